#include "segmentation/TumourSegmenter.h"

#include <chrono>
#include <cmath>

#include "core/Error.h"
#include "preprocess/GridResampler.h"
#include "preprocess/MaskComparison.h"
#include "preprocess/PreprocessPipeline.h"
#include "segmentation/LargestComponentSelector.h"
#include "segmentation/SegmentationNetworkEnsemble.h"

namespace medsight {

TumourSegmenter::TumourSegmenter(const std::filesystem::path& package, int threads)
    : manifest_(SegmentationModelManifest::read(package)) {
  manifest_.verify(package);
  std::vector<std::filesystem::path> weights;
  for (const auto& m : manifest_.members) weights.push_back(package / m.file);
  ensemble_ = std::make_shared<SegmentationNetworkEnsemble>(manifest_.network, weights, threads);
  for (const auto& c : manifest_.ensembledWith) {
    std::vector<std::filesystem::path> w;
    for (const auto& m : c.members) w.push_back(package / m.file);
    ensembledWith_.push_back(
        std::make_shared<SegmentationNetworkEnsemble>(c.network, std::move(w), threads));
  }
}

TumourSegmenter::TumourSegmenter(
    SegmentationModelManifest manifest, std::shared_ptr<const SegmentationNetworkEnsemble> ensemble,
    std::vector<std::shared_ptr<const SegmentationNetworkEnsemble>> ensembledWith)
    : manifest_(std::move(manifest)),
      ensemble_(std::move(ensemble)),
      ensembledWith_(std::move(ensembledWith)) {
  if (ensembledWith_.size() != manifest_.ensembledWith.size()) {
    throw Error(ErrorCode::ModelInvalid, "segment: " + manifest_.name + " lists " +
                                             std::to_string(manifest_.ensembledWith.size()) +
                                             " ensembled configuration(s) but " +
                                             std::to_string(ensembledWith_.size()) + " were given");
  }
}

TumourSegmenter::~TumourSegmenter() = default;

void TumourSegmenter::refuseUnlikeIntensities(const Image& image) const {
  if (const auto why = manifest_.intensity.check(image)) {
    throw Error(ErrorCode::WrongModality,
                "segment: " + *why + " Model " + manifest_.name + " expects " +
                    (manifest_.modality.empty() ? std::string("its training modality")
                                                : manifest_.modality) +
                    " images (override with --no-intensity-check only if you are sure).");
  }
}

TumourSegmentation TumourSegmenter::segmentChecked(const Image& image,
                                                   const std::vector<const Image*>& auxiliary,
                                                   bool checkIntensity) const {
  const auto start = std::chrono::steady_clock::now();
  if (auxiliary.size() != manifest_.auxiliary.size()) {
    std::string wanted;
    for (const auto& a : manifest_.auxiliary) wanted += " --aux " + a.name + "=FILE";
    throw Error(ErrorCode::InvalidArgument,
                "segment: model " + manifest_.name + " takes " +
                    (manifest_.auxiliary.empty()
                         ? std::string("the image alone, no auxiliary images")
                         : std::to_string(manifest_.auxiliary.size()) +
                               " auxiliary image(s) beside the main one; give" + wanted) +
                    " (" + std::to_string(auxiliary.size()) + " given)");
  }
  if (image.components() != 1 || image.size().t != 1) {
    throw Error(ErrorCode::InvalidArgument, "segment: needs a single-frame grey-level image, got " +
                                                std::to_string(image.components()) +
                                                " components and " +
                                                std::to_string(image.size().t) + " frames");
  }
  if (image.spatialDimension() != 3) {
    throw Error(ErrorCode::InvalidArgument,
                "segment: " + manifest_.name + " segments 3D volumes; the input is 2D");
  }
  if (!manifest_.modality.empty() && !image.modality().empty() &&
      image.modality() != manifest_.modality) {
    throw Error(ErrorCode::WrongModality, "segment: model " + manifest_.name + " expects " +
                                              manifest_.modality + " images, got " +
                                              image.modality());
  }
  {
    // A few voxels or millimetres collapse to one voxel on the working grid, where the
    // normalisation then fails with a message about constant intensity.
    const auto& g = image.geometry();
    const double widthMm = static_cast<double>(image.size().x) * g.spacing[0];
    const double heightMm = static_cast<double>(image.size().y) * g.spacing[1];
    if (image.size().x < 8 || image.size().y < 8 || widthMm < 20 || heightMm < 20) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment: the image is only " + std::to_string(image.size().x) + " x " +
                      std::to_string(image.size().y) + " voxels (" +
                      std::to_string(std::lround(widthMm)) + " x " +
                      std::to_string(std::lround(heightMm)) +
                      " mm) in-plane; the network needs the lesion and tissue around it (at "
                      "least 8 x 8 voxels and 20 x 20 mm)");
    }
  }
  if (checkIntensity) refuseUnlikeIntensities(image);
  // Another patient's image is refused before the preprocessing replay, the costly part.
  for (std::size_t i = 0; i < auxiliary.size(); ++i) {
    manifest_.auxiliary[i].checkSamePatient(image, *auxiliary[i]);
  }
  const PreprocessPipeline pipeline =
      PreprocessPipeline::fromJson(manifest_.preprocessing, manifest_.name + " preprocessing");
  const Image working = pipeline.run(image).castTo(PixelType::Float32);
  // The stack the networks read: the preprocessed image, then each auxiliary image on its grid.
  std::vector<Image> mapped;
  for (std::size_t i = 0; i < auxiliary.size(); ++i) {
    // The auxiliary images are whole (not cropped by segmentWithin), so the user's setting
    // applies to them even when the main image's check was done before cropping.
    mapped.push_back(manifest_.auxiliary[i].onto(*auxiliary[i], working, intensityCheck_));
  }
  auto stackFor = [&](const SlidingWindowSettings& settings) {
    std::vector<const Image*> stack{&working};
    for (int i = 1; i < settings.imageChannels; ++i) stack.push_back(&mapped[i - 1]);
    return stack;
  };
  Image probWorking = ensemble_->probability(stackFor(manifest_.inference), manifest_.inference);
  TumourSegmentation out;
  if (!ensembledWith_.empty()) {
    // Equal weight per configuration, each already averaged over its folds (as nnU-Net
    // ensembles its 2D and 3D configurations).
    // Only each part's thresholded outline is kept (one byte a voxel), to measure how far it is
    // from the ensemble's once that is known.
    const double threshold = manifest_.inference.threshold;
    std::vector<std::vector<std::uint8_t>> parts{outline(probWorking, threshold)};
    auto sum = probWorking.pixels<float>();
    for (std::size_t c = 0; c < ensembledWith_.size(); ++c) {
      const auto& settings = manifest_.ensembledWith[c].inference;
      const Image p = ensembledWith_[c]->probability(stackFor(settings), settings);
      parts.push_back(outline(p, threshold));
      const auto q = p.pixels<float>();
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += q[i];
    }
    const float n = static_cast<float>(parts.size());
    for (float& v : sum) v /= n;
    out.configurationAgreement = lowestAgreement(parts, outline(probWorking, threshold));
  }

  out.probability = GridResampler::onto(probWorking, image, Interpolation::Linear, 0.0);
  out.probability.setModality("");
  out.probability.metadata().clear();
  Image mask(PixelType::UInt8, out.probability.size(), 3, 1, image.geometry());
  const auto p = out.probability.pixels<float>();
  auto m = mask.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = p[i] >= manifest_.inference.threshold;
  if (manifest_.inference.largestComponent) mask = LargestComponentSelector::keep(mask, 1);
  mask.geometry() = image.geometry();
  mask.metadata()["segmentation.model"] = manifest_.name + " " + manifest_.version;
  mask.metadata()["segmentation.structure"] = manifest_.structure;
  out.mask = std::move(mask);
  out.volumeMl = MaskComparison::volumeMl(out.mask);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::vector<std::uint8_t> TumourSegmenter::outline(const Image& probability, double threshold) {
  const auto p = probability.pixels<float>();
  std::vector<std::uint8_t> m(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) m[i] = p[i] >= threshold;
  return m;
}

double TumourSegmenter::lowestAgreement(const std::vector<std::vector<std::uint8_t>>& parts,
                                        const std::vector<std::uint8_t>& ensemble) {
  double lowest = 1.0;
  for (const auto& part : parts) {
    if (part.size() != ensemble.size()) {
      throw Error(ErrorCode::GeometryMismatch, "configuration outputs are on different grids");
    }
    std::size_t both = 0, inPart = 0, inEnsemble = 0;
    for (std::size_t i = 0; i < part.size(); ++i) {
      both += part[i] && ensemble[i];
      inPart += part[i] != 0;
      inEnsemble += ensemble[i] != 0;
    }
    // Two empty outlines agree.
    const double dice =
        inPart + inEnsemble == 0 ? 1.0 : 2.0 * static_cast<double>(both) / (inPart + inEnsemble);
    lowest = std::min(lowest, dice);
  }
  return lowest;
}

TumourSegmentation TumourSegmenter::segmentWithin(
    const Image& image, const VoxelBox& roi, double marginMm,
    const std::vector<const Image*>& auxiliary) const {
  const auto start = std::chrono::steady_clock::now();
  const ImageSize& size = image.size();
  const std::size_t extents[3] = {size.x, size.y, size.z};
  for (int a = 0; a < 3; ++a) {
    if (roi.size[a] == 0 || roi.start[a] + roi.size[a] > extents[a]) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment: the region of interest (start " + std::to_string(roi.start[a]) +
                      ", size " + std::to_string(roi.size[a]) + " along axis " + std::to_string(a) +
                      ") is empty or reaches past the image (" + std::to_string(extents[a]) +
                      " voxels)");
    }
  }
  if (!(marginMm >= 0) || marginMm > 500) {
    throw Error(ErrorCode::InvalidArgument, "segment: the ROI margin must be 0 to 500 mm");
  }
  if (intensityCheck_) refuseUnlikeIntensities(image);
  const VoxelBox box = BoundingBoxCropper::grow(roi, image, {marginMm, marginMm, marginMm});
  if (box.size[0] < 8 || box.size[1] < 8) {
    throw Error(ErrorCode::InvalidArgument,
                "segment: the region of interest grown by " +
                    std::to_string(std::lround(marginMm)) + " mm is only " +
                    std::to_string(box.size[0]) + " x " + std::to_string(box.size[1]) +
                    " voxels in-plane; give a larger box or margin (the network needs tissue "
                    "around the lesion)");
  }
  // Auxiliary images are mapped by physical position, so the crop of the main image is enough.
  const TumourSegmentation inside =
      segmentChecked(BoundingBoxCropper::extract(image, box), auxiliary, false);

  TumourSegmentation out;
  out.mask = Image(PixelType::UInt8, size, 3, 1, image.geometry());
  out.mask.metadata() = inside.mask.metadata();
  out.probability = Image(PixelType::Float32, size, 3, 1, image.geometry());
  BoundingBoxCropper::insert(out.mask, inside.mask, box);
  BoundingBoxCropper::insert(out.probability, inside.probability, box);
  out.segmentedBox = box;
  out.volumeMl = inside.volumeMl;
  out.configurationAgreement = inside.configurationAgreement;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace medsight

#include "segmentation/TumourSegmenter.h"

#include <chrono>

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
}

TumourSegmenter::TumourSegmenter(SegmentationModelManifest manifest,
                                 std::shared_ptr<const SegmentationNetworkEnsemble> ensemble)
    : manifest_(std::move(manifest)), ensemble_(std::move(ensemble)) {}

TumourSegmenter::~TumourSegmenter() = default;

TumourSegmentation TumourSegmenter::segment(const Image& image) const {
  const auto start = std::chrono::steady_clock::now();
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
  if (intensityCheck_) {
    if (const auto why = manifest_.intensity.check(image)) {
      throw Error(ErrorCode::WrongModality,
                  "segment: " + *why + " Model " + manifest_.name + " expects " +
                      (manifest_.modality.empty() ? std::string("its training modality")
                                                  : manifest_.modality) +
                      " images (override with --no-intensity-check only if you are sure).");
    }
  }
  const PreprocessPipeline pipeline =
      PreprocessPipeline::fromJson(manifest_.preprocessing, manifest_.name + " preprocessing");
  const Image working = pipeline.run(image).castTo(PixelType::Float32);
  const Image probWorking = ensemble_->probability(working, manifest_.inference);

  TumourSegmentation out;
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

}  // namespace medsight

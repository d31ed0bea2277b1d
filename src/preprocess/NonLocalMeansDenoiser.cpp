#include "preprocess/NonLocalMeansDenoiser.h"

#include <itkGaussianRandomSpatialNeighborSubsampler.h>
#include <itkPatchBasedDenoisingImageFilter.h>

#include <opencv2/core.hpp>
#include <opencv2/photo.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/Error.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

NonLocalMeansDenoiser::NonLocalMeansDenoiser(const nlohmann::json& step,
                                             const std::string& context) {
  StepParameterReader p(step, context);
  // Settings only ITK's filter has imply it: recorded pipelines from before OpenCV was the
  // default list them all, and so replay exactly as they were run.
  const bool itkSettings = std::any_of(kItkOnly.begin(), kItkOnly.end(),
                                       [&](const char* k) { return step.contains(k); });
  method_ = p.choice("method", itkSettings ? "itk" : "opencv", {"opencv", "itk"});
  const bool itk = method_ == "itk";
  for (const char* k : kItkOnly) {
    if (!itk && step.contains(k)) {
      p.fail(k, "applies to method \"itk\" only (this step uses \"opencv\")");
    }
  }
  if (itk && step.contains("strength")) {
    p.fail("strength", "applies to method \"opencv\" only (use kernel_bandwidth with \"itk\")");
  }
  patchRadius_ = p.integer("patch_radius", 2, 1, 8);
  // OpenCV: 5 x 5 patches in a 13 x 13 window, as scikit-image recommends; with strength 0.75
  // these gave the highest PSNR on one STS MR volume with 5 % added noise (the benchmark's
  // STS_001; the other volumes measure it). ITK samples its patches within 10 voxels.
  searchRadius_ = p.integer("search_radius", itk ? 10 : 6, 1, 100);
  if (itk) {
    iterations_ = p.integer("iterations", iterations_, 1, 20);
    noiseModel_ = p.choice("noise_model", noiseModel_, {"none", "gaussian", "rician", "poisson"});
    samplePatches_ = p.integer("sample_patches", samplePatches_, 5, 10000);
    seed_ = p.integer("seed", seed_, 0, 1 << 30);
    workUnits_ = p.integer("work_units", workUnits_, 1, 64);
    kernelBandwidth_ = p.choice("kernel_bandwidth", kernelBandwidth_, {"noise", "entropy"});
  } else {
    strength_ = p.number("strength", strength_, 0.05, 10);
  }
  if (step.contains("slicewise") && step.at("slicewise").is_boolean()) {
    slicewise_ = p.boolean("slicewise", false) ? "yes" : "no";
  } else {
    slicewise_ = p.choice("slicewise", slicewise_, {"auto", "yes", "no"});
  }
  if (!itk && slicewise_ == "no") {
    p.fail("slicewise", "false needs method \"itk\": OpenCV's method denoises slice by slice");
  }
  p.finish();
}

nlohmann::json NonLocalMeansDenoiser::parameters() const {
  nlohmann::json j = {{"method", method_},
                      {"patch_radius", patchRadius_},
                      {"search_radius", searchRadius_},
                      {"slicewise", slicewise_}};
  if (method_ == "itk") {
    j.update({{"iterations", iterations_},
              {"noise_model", noiseModel_},
              {"sample_patches", samplePatches_},
              {"seed", seed_},
              {"work_units", workUnits_},
              {"kernel_bandwidth", kernelBandwidth_}});
  } else {
    j["strength"] = strength_;
  }
  return j;
}

namespace {

/// \brief Robust standard deviation of additive noise: 1.4826 x the median absolute deviation of
/// differences between neighbours along x, divided by sqrt(2) (each difference carries the noise
/// of two voxels). Edges are a small fraction of the differences, so the median ignores them.
/// With `skipZeroFill`, pairs in the zero fill outside the field of view are left out.
double estimateNoiseSigma(const float* buffer, std::size_t nx, std::size_t total,
                          bool skipZeroFill) {
  std::vector<float> diffs;
  diffs.reserve(total);
  for (std::size_t row = 0; row + nx <= total; row += nx) {
    for (std::size_t x = 0; x + 1 < nx; ++x) {
      // Pairs that are both exactly 0 lie in the zero fill outside the field of view (oblique
      // crops are up to 64 % fill); counting their zero differences would halve the estimate.
      // ITK's method keeps them, as it always did, so its recorded pipelines replay exactly.
      if (skipZeroFill && buffer[row + x] == 0.0f && buffer[row + x + 1] == 0.0f) continue;
      if (!std::isfinite(buffer[row + x]) || !std::isfinite(buffer[row + x + 1])) continue;
      diffs.push_back(buffer[row + x + 1] - buffer[row + x]);
    }
  }
  if (diffs.empty()) return 0.0;
  auto median = [](std::vector<float>& v) {
    auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return static_cast<double>(*mid);
  };
  const double centre = median(diffs);
  for (float& d : diffs) d = static_cast<float>(std::abs(d - centre));
  return 1.4826 * median(diffs) / std::sqrt(2.0);
}

}  // namespace

nlohmann::json NonLocalMeansDenoiser::apply(PreprocessSubject& subject) const {
  const Image& image = subject.image;
  itk_runner::requireScalarVolume(image, "non_local_means");
  const auto& spacing = image.geometry().spacing;
  const bool thickSlices = image.spatialDimension() == 3 && image.size().z > 1 &&
                           spacing[2] > 2.0 * std::max(spacing[0], spacing[1]);
  const bool bySlice = slicewise_ == "yes" || (slicewise_ == "auto" && thickSlices);
  if (bySlice && image.spatialDimension() != 3) {
    throw Error(ErrorCode::InvalidArgument,
                "non_local_means: slicewise denoising needs a 3D volume, the input is 2D");
  }

  // One Float32 copy serves the noise estimate, the constant check and (by slice) the output.
  Image asFloat = image.castTo(PixelType::Float32);
  // The noise level is measured once on the whole volume (also when slices are filtered one by
  // one) so that the kernel bandwidth is the same for every slice.
  double noise = 0.0;
  if (method_ == "opencv" || kernelBandwidth_ == "noise") {
    const auto px = std::as_const(asFloat).pixels<float>();
    noise = estimateNoiseSigma(px.data(), image.size().x, px.size(), method_ == "opencv");
  }
  if (method_ == "opencv") return applyOpenCv(subject, std::move(asFloat), noise);
  static std::atomic<bool> seedWarned{false};  // once per process, not once per image
  if (seed_ != 1 && !seedWarned.exchange(true)) {
    spdlog::warn(
        "non_local_means (method itk): 'seed' has no effect: ITK 5.2 seeds each work "
        "unit's patch sampler with the unit's index (the result is fixed by "
        "'work_units')");
  }
  double sigma = 0.0;
  auto denoise = [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    using Filter = itk::PatchBasedDenoisingImageFilter<T, T>;
    auto filter = Filter::New();
    filter->SetInput(in);
    filter->SetPatchRadius(static_cast<unsigned>(patchRadius_));
    // The samplers are seeded by work-unit index, so a fixed split (not ITK's default of one
    // unit per thread) makes the output independent of the thread count.
    filter->SetNumberOfWorkUnits(static_cast<itk::ThreadIdType>(workUnits_));
    filter->SetNumberOfIterations(static_cast<unsigned>(iterations_));
    // ITK 5.2 resamples its smooth-disc patch weights onto the voxel grid without centring the
    // disc, so on anisotropic voxels the centre weight falls below 1, the normalisation pushes
    // others above 1 and SetPatchWeights throws "Patch weights must be in the range [0,1]".
    // Rectangular (all-unity) patches, still sized isotropically in mm by ITK, avoid that and
    // make the patch's squared-distance weight exactly its voxel count.
    filter->UseSmoothDiscPatchWeightsOff();
    if (kernelBandwidth_ == "entropy") {
      filter->KernelBandwidthEstimationOn();
    } else {
      // Two patches that differ only by Gaussian noise of deviation s lie sqrt(2 n) s apart
      // (n voxels); a kernel of that width lets every such patch vote (Buades, Coll and Morel,
      // CVPR 2005, choose the filtering parameter in proportion to the noise level). ITK's
      // entropy-based estimate settles near a tenth of that on noisy images and barely smooths.
      const double patchVoxels = static_cast<double>(filter->GetPatchLengthInVoxels());
      typename Filter::RealArrayType bandwidth(1);
      bandwidth[0] = std::max(std::sqrt(2.0 * patchVoxels) * noise, 1e-3);
      filter->KernelBandwidthEstimationOff();
      filter->SetKernelBandwidthSigma(bandwidth);
    }
    if (noiseModel_ == "gaussian") filter->SetNoiseModel(Filter::NoiseModelEnum::GAUSSIAN);
    if (noiseModel_ == "rician") filter->SetNoiseModel(Filter::NoiseModelEnum::RICIAN);
    if (noiseModel_ == "poisson") filter->SetNoiseModel(Filter::NoiseModelEnum::POISSON);
    if (noiseModel_ != "none") filter->SetNoiseModelFidelityWeight(0.05);
    using Sampler =
        itk::Statistics::GaussianRandomSpatialNeighborSubsampler<typename Filter::PatchSampleType,
                                                                 typename T::RegionType>;
    auto sampler = Sampler::New();
    sampler->SetVariance(static_cast<double>(searchRadius_ * searchRadius_) / 4.0);
    sampler->SetRadius(static_cast<unsigned>(searchRadius_));
    sampler->SetNumberOfResultsRequested(static_cast<unsigned>(samplePatches_));
    sampler->SetSeed(static_cast<typename Sampler::SeedType>(seed_));  // ITK replaces it per unit
    sampler->CanSelectQueryOff();
    filter->SetSampler(sampler);
    filter->Update();
    const auto sig = filter->GetKernelBandwidthSigma();
    if (sig.Size() > 0) sigma = sig[0];
    typename T::Pointer out = filter->GetOutput();
    return out;
  };

  // ITK refuses a constant image ("Each image component must be nonconstant"); there is no
  // noise to remove in one, so constant volumes and slices (e.g. zero-filled end slices of a
  // crop) are passed through unchanged and counted.
  auto constant = [](std::span<const float> v) {
    return v.empty() || std::all_of(v.begin(), v.end(), [&](float x) { return x == v.front(); });
  };
  std::size_t skipped = 0;
  if (!bySlice) {
    if (constant(std::as_const(asFloat).pixels<float>())) {
      skipped = image.size().z;
    } else {
      subject.image = itk_runner::filterFloat(asFloat, "non_local_means", denoise);
    }
  } else {
    // Each slice as a 2D image with the in-plane spacing (only the spacing matters to the
    // filter: it sizes the patch); the results are written back into a copy of the volume.
    const std::size_t nx = image.size().x, ny = image.size().y, plane = nx * ny;
    auto volume = asFloat.pixels<float>();
    ImageGeometry g;
    g.spacing = {spacing[0], spacing[1], 1.0};
    Image slice(PixelType::Float32, {nx, ny, 1, 1}, 2, 1, g);
    for (std::size_t z = 0; z < image.size().z; ++z) {
      auto s = slice.pixels<float>();
      std::copy_n(volume.begin() + static_cast<std::ptrdiff_t>(z * plane), plane, s.begin());
      if (constant(std::as_const(slice).pixels<float>())) {
        ++skipped;
        continue;
      }
      const Image done = itk_runner::filterFloat(slice, "non_local_means", denoise);
      const auto d = done.pixels<float>();
      std::copy(d.begin(), d.end(), volume.begin() + static_cast<std::ptrdiff_t>(z * plane));
    }
    subject.image = std::move(asFloat);
  }
  return {{"kernel_bandwidth_sigma", sigma},
          {"noise_sigma_estimate", noise},
          {"mode", bySlice ? "slices" : "volume"},
          {"constant_slices_skipped", skipped}};
}

nlohmann::json NonLocalMeansDenoiser::applyOpenCv(PreprocessSubject& subject, Image volume,
                                                  double noise) const {
  const std::size_t nx = volume.size().x, ny = volume.size().y, nz = volume.size().z;
  const std::size_t plane = nx * ny;
  auto px = volume.pixels<float>();
  // Finite range; NaN or infinite voxels (possible in float PET or derived maps) are kept as they
  // are and do not enter the range or the patches' codes beyond the lowest code.
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const float v : px) {
    if (std::isfinite(v)) {
      low = std::min(low, static_cast<double>(v));
      high = std::max(high, static_cast<double>(v));
    }
  }
  const double h = strength_ * noise;
  std::size_t skipped = 0, outside = 0;
  double step = 0.0;
  auto record = [&](const char* mode) {
    return nlohmann::json{{"kernel_bandwidth_sigma", h},
                          {"noise_sigma_estimate", noise},
                          {"mode", mode},
                          {"constant_slices_skipped", skipped},
                          {"quantisation_step", step},
                          {"voxels_outside_range", outside}};
  };
  // Nothing to remove: a constant volume, or one without measurable noise.
  if (!(high > low) || !(h > 0) || !std::isfinite(h)) {
    skipped = nz;
    subject.image = std::move(volume);
    return record("slices");
  }
  // OpenCV denoises 8- or 16-bit images. 16 bits over the volume's range give a quantisation
  // step (range / 65534) far below the noise on ordinary images; one scale for the whole volume
  // treats every slice alike. The 16-bit path needs the L1 patch distance, whose weight is
  // exp(-d^2 / h^2) with d the mean absolute difference per voxel: two patches that differ only
  // by noise of deviation s have d = 2 s / sqrt(pi) = 1.13 s on average, so h = strength x s
  // sets how far from that a patch may be and still vote.
  constexpr double kCodes = 65534.0;  // one code spare for putting 0 on the grid
  // Widest range whose step is half the noise: quantisation then adds a noise of deviation
  // step / sqrt(12) = 0.14 x the noise (1 % more variance), and h spans 1.5 codes or more.
  const double widest = kCodes * noise / 2.0;
  if (high - low > widest) {
    // Only a few extreme voxels (metal, a corrupt value) stretch the range this far: slices would
    // collapse onto a few codes. (A hot PET lesion spans about a thousand noise deviations, far
    // from the 32767 this needs.) Quantise instead that widest range around the 0.5-99.5
    // percentile range, or that range itself if it is wider; voxels outside are not denoised and
    // keep their value.
    std::vector<float> finite;  // a sample for the percentiles
    const std::size_t stride = std::max<std::size_t>(1, px.size() / 1'000'000);
    for (std::size_t i = 0; i < px.size(); i += stride) {
      if (std::isfinite(px[i])) finite.push_back(px[i]);
    }
    // (The sample misses every finite voxel only in a volume that is almost all NaN.)
    if (finite.size() >= 2) {
      auto quantile = [&](double q) {
        auto it = finite.begin() + static_cast<std::ptrdiff_t>(q * (finite.size() - 1));
        std::nth_element(finite.begin(), it, finite.end());
        return static_cast<double>(*it);
      };
      const double p0 = quantile(0.005), p1 = quantile(0.995);
      if (p1 - p0 >= widest) {
        low = p0;
        high = p1;
      } else {
        const double extra = (widest - (p1 - p0)) / 2.0;
        double lo = std::max(low, p0 - extra), hi = std::min(high, p1 + extra);
        // What one side cannot use (it reached the data's end) goes to the other.
        const double spare = widest - (hi - lo);
        if (lo == low) hi = std::min(high, hi + spare);
        if (hi == high) lo = std::max(low, lo - spare);
        low = lo;
        high = hi;
      }
    }
  }
  // Voxels are "outside" by the range chosen here, before zero is put on the grid (which may
  // move `low` by a rounding error).
  const double rangeLow = low, rangeHigh = high;
  auto inRange = [&](double v) { return v >= rangeLow && v <= rangeHigh; };  // false for NaN
  const double scale = kCodes / (high - low);
  // Codes are value x scale + zeroCode. Zero on the grid (zeroCode a whole number): zero fill
  // outside the field of view (which a later `zscore` with region "nonzero" tells apart by being
  // exactly 0) comes back exactly 0.
  double zeroCode = -low * scale;
  if (low <= 0.0 && high >= 0.0) zeroCode = std::ceil(zeroCode);  // kCodes left that code spare
  step = 1.0 / scale;
  if (h * scale < 1.0) {
    // Even the narrowed range is too coarse for this noise: OpenCV would only add quantisation
    // error. Left unchanged (the record shows the step against the noise).
    skipped = nz;
    subject.image = std::move(volume);
    return record("slices");
  }
  std::vector<std::uint16_t> q(px.size()), out(px.size());
  for (std::size_t i = 0; i < px.size(); ++i) {
    const double v = px[i];
    if (!inRange(v)) ++outside;
    q[i] = std::isfinite(v) ? static_cast<std::uint16_t>(
                                  std::lround(std::clamp(v * scale + zeroCode, 0.0, 65535.0)))
                            : std::uint16_t{0};
  }
  const std::vector<float> hq{static_cast<float>(h * scale)};
  const int templ = 2 * patchRadius_ + 1, search = 2 * searchRadius_ + 1;
  const int rows = static_cast<int>(ny), cols = static_cast<int>(nx);
  auto sliceOf = [&](std::vector<std::uint16_t>& v, std::size_t z) {
    return cv::Mat(rows, cols, CV_16UC1, v.data() + z * plane);
  };
  auto constantSlice = [&](std::size_t z) {
    const auto first = q.begin() + static_cast<std::ptrdiff_t>(z * plane);
    return std::all_of(first, first + static_cast<std::ptrdiff_t>(plane),
                       [&](std::uint16_t v) { return v == *first; });
  };
  for (std::size_t z = 0; z < nz; ++z) {
    if (constantSlice(z)) {  // kept exactly, e.g. zero-filled slices of oblique crops
      ++skipped;
      continue;
    }
    cv::Mat dst = sliceOf(out, z);
    try {
      cv::fastNlMeansDenoising(sliceOf(q, z), dst, hq, templ, search, cv::NORM_L1);
    } catch (const cv::Exception& e) {
      throw Error(ErrorCode::Internal, std::string("non_local_means: OpenCV failed on slice ") +
                                           std::to_string(z) + ": " + e.what());
    }
    for (std::size_t i = z * plane; i < (z + 1) * plane; ++i) {
      if (!inRange(px[i])) continue;  // outside the quantised range (or not finite): kept
      px[i] = static_cast<float>((out[i] - zeroCode) / scale);
    }
  }
  subject.image = std::move(volume);
  return record("slices");
}

}  // namespace medsight

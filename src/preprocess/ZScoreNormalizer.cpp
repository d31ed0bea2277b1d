#include "preprocess/ZScoreNormalizer.h"

#include <algorithm>

#include "preprocess/IntensityStatistics.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/OtsuThresholds.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

ZScoreNormalizer::ZScoreNormalizer(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  region_ = p.choice("region", region_, {"image", "mask", "foreground", "nonzero"});
  clipLow_ = p.number("clip_low", clipLow_, 0, 100);
  clipHigh_ = p.number("clip_high", clipHigh_, 0, 100);
  if (clipLow_ >= clipHigh_) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": clip_low must be below clip_high");
  }
  p.finish();
}

nlohmann::json ZScoreNormalizer::parameters() const {
  return {{"region", region_}, {"clip_low", clipLow_}, {"clip_high", clipHigh_}};
}

nlohmann::json ZScoreNormalizer::apply(PreprocessSubject& subject) const {
  itk_runner::requireScalarVolume(subject.image, "zscore");
  Image out = subject.image.castTo(PixelType::Float32);
  Image regionMask;
  if (region_ == "mask") {
    if (!subject.mask) {
      throw Error(ErrorCode::InvalidArgument, "zscore: region \"mask\" needs a mask");
    }
    regionMask = *subject.mask;
  } else if (region_ == "foreground") {
    const double t = OtsuThresholds::compute(IntensityStatistics::collect(out, nullptr, 200000))[0];
    regionMask = Image(PixelType::UInt8, out.size(), out.spatialDimension(), 1, out.geometry());
    auto mk = regionMask.pixels<std::uint8_t>();
    const auto px = out.pixels<float>();
    for (std::size_t i = 0; i < px.size(); ++i) mk[i] = px[i] > t;
  } else if (region_ == "nonzero") {
    // Zero-filled corners of obliquely resliced or cropped MR are not tissue; including them
    // would shift mean and SD with the amount of padding (nnU-Net's use_mask_for_norm).
    regionMask = Image(PixelType::UInt8, out.size(), out.spatialDimension(), 1, out.geometry());
    auto mk = regionMask.pixels<std::uint8_t>();
    const auto px = out.pixels<float>();
    for (std::size_t i = 0; i < px.size(); ++i) mk[i] = px[i] != 0.0f;
  }
  const IntensityStatistics all =
      IntensityStatistics::collect(out, regionMask.empty() ? nullptr : &regionMask);
  if (all.count() == 0) throw Error(ErrorCode::EmptyInput, "zscore: the region is empty");
  const double lo = all.percentile(clipLow_), hi = all.percentile(clipHigh_);
  double mean = all.mean(), sd = all.standardDeviation();
  if (clipLow_ > 0 || clipHigh_ < 100) {
    std::vector<float> clipped(all.sorted());
    for (float& v : clipped) v = static_cast<float>(std::clamp<double>(v, lo, hi));
    const IntensityStatistics c(std::move(clipped));
    mean = c.mean();
    sd = c.standardDeviation();
  }
  if (!(sd > 0)) {
    throw Error(ErrorCode::EmptyInput, "zscore: the region has constant intensity " +
                                           std::to_string(mean) + "; nothing to normalise");
  }
  for (float& v : out.pixels<float>()) {
    const double c = (clipLow_ > 0 || clipHigh_ < 100) ? std::clamp<double>(v, lo, hi) : v;
    v = static_cast<float>((c - mean) / sd);
  }
  subject.image = std::move(out);
  return {{"mean", mean},
          {"std", sd},
          {"clip_min", lo},
          {"clip_max", hi},
          {"region_voxels", all.count()}};
}

}  // namespace medsight

#include "preprocess/PercentileNormalizer.h"

#include <algorithm>

#include "preprocess/IntensityStatistics.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

PercentileNormalizer::PercentileNormalizer(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  low_ = p.number("low", low_, 0, 100);
  high_ = p.number("high", high_, 0, 100);
  outMin_ = p.number("out_min", outMin_, -1e9, 1e9);
  outMax_ = p.number("out_max", outMax_, -1e9, 1e9);
  if (low_ >= high_) throw Error(ErrorCode::InvalidConfiguration, context + ": low >= high");
  p.finish();
}

nlohmann::json PercentileNormalizer::parameters() const {
  return {{"low", low_}, {"high", high_}, {"out_min", outMin_}, {"out_max", outMax_}};
}

nlohmann::json PercentileNormalizer::apply(PreprocessSubject& subject) const {
  itk_runner::requireScalarVolume(subject.image, "percentile");
  Image out = subject.image.castTo(PixelType::Float32);
  const IntensityStatistics stats = IntensityStatistics::collect(out, nullptr, 2000000);
  const double lo = stats.percentile(low_), hi = stats.percentile(high_);
  if (!(hi > lo)) {
    throw Error(ErrorCode::EmptyInput, "percentile: the " + std::to_string(low_) + "th and " +
                                           std::to_string(high_) +
                                           "th percentiles coincide; the image is near-constant");
  }
  for (float& v : out.pixels<float>()) {
    const double c = std::clamp<double>(v, lo, hi);
    v = static_cast<float>(outMin_ + (c - lo) / (hi - lo) * (outMax_ - outMin_));
  }
  subject.image = std::move(out);
  return {{"low_value", lo}, {"high_value", hi}};
}

}  // namespace medsight

#include "preprocess/IntensityStatistics.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"

namespace medsight {

IntensityStatistics IntensityStatistics::collect(const Image& image, const Image* mask,
                                                 std::size_t maxSamples) {
  if (image.components() != 1) {
    throw Error(ErrorCode::PixelTypeMismatch, "intensity statistics need a grey-level image");
  }
  if (mask && !mask->sameGrid(image)) {
    throw Error(ErrorCode::GeometryMismatch,
                "intensity statistics: the mask and the image do not share a voxel grid");
  }
  const Image values = image.castTo(PixelType::Float32);
  const auto px = values.pixels<float>();
  std::vector<float> out;
  if (mask) {
    const Image m = mask->castTo(PixelType::UInt8);
    const auto mk = m.pixels<std::uint8_t>();
    for (std::size_t i = 0; i < px.size(); ++i) {
      if (mk[i % mk.size()] != 0) out.push_back(px[i]);
    }
  } else {
    out.assign(px.begin(), px.end());
  }
  if (maxSamples > 0 && out.size() > maxSamples) {
    const double stride = static_cast<double>(out.size()) / static_cast<double>(maxSamples);
    std::vector<float> sub;
    sub.reserve(maxSamples);
    for (std::size_t i = 0; i < maxSamples; ++i) {
      sub.push_back(out[static_cast<std::size_t>(static_cast<double>(i) * stride)]);
    }
    out.swap(sub);
  }
  return IntensityStatistics(std::move(out));
}

IntensityStatistics::IntensityStatistics(std::vector<float> values) : values_(std::move(values)) {
  std::erase_if(values_, [](float v) { return !std::isfinite(v); });
  std::sort(values_.begin(), values_.end());
  if (values_.empty()) return;
  double sum = 0.0;
  for (float v : values_) sum += v;
  mean_ = sum / static_cast<double>(values_.size());
  double ss = 0.0;
  for (float v : values_) ss += (v - mean_) * (v - mean_);
  std_ = std::sqrt(ss / static_cast<double>(values_.size()));
}

double IntensityStatistics::min() const {
  if (values_.empty()) throw Error(ErrorCode::EmptyInput, "intensity statistics: no values");
  return values_.front();
}

double IntensityStatistics::max() const {
  if (values_.empty()) throw Error(ErrorCode::EmptyInput, "intensity statistics: no values");
  return values_.back();
}

double IntensityStatistics::percentile(double p) const {
  if (values_.empty()) throw Error(ErrorCode::EmptyInput, "intensity statistics: no values");
  p = std::clamp(p, 0.0, 100.0);
  const double rank = p / 100.0 * static_cast<double>(values_.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, values_.size() - 1);
  const double f = rank - static_cast<double>(lo);
  return values_[lo] + f * (values_[hi] - values_[lo]);
}

}  // namespace medsight

#include "segmentation/IntensitySignature.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/Error.h"
#include "preprocess/IntensityStatistics.h"

namespace medsight {

std::pair<double, double> IntensitySignature::percentiles(const Image& image) {
  const auto stats = IntensityStatistics::collect(image, nullptr, 200000);
  return {stats.percentile(1.0), stats.percentile(99.0)};
}

IntensitySignature IntensitySignature::learn(const std::vector<const Image*>& images) {
  IntensitySignature s;
  for (const Image* image : images) {
    const auto [p01, p99] = percentiles(*image);
    if (!s.learned_) {
      s.p01Min_ = s.p01Max_ = p01;
      s.p99Min_ = s.p99Max_ = p99;
      s.learned_ = true;
    } else {
      s.p01Min_ = std::min(s.p01Min_, p01);
      s.p01Max_ = std::max(s.p01Max_, p01);
      s.p99Min_ = std::min(s.p99Min_, p99);
      s.p99Max_ = std::max(s.p99Max_, p99);
    }
  }
  return s;
}

IntensitySignature IntensitySignature::fromJson(const nlohmann::json& j) {
  IntensitySignature s;
  if (j.is_null()) return s;
  try {
    const auto p01 = j.at("p01").get<std::vector<double>>();
    const auto p99 = j.at("p99").get<std::vector<double>>();
    if (p01.size() != 2 || p99.size() != 2 || p01[0] > p01[1] || p99[0] > p99[1]) {
      throw Error(ErrorCode::ModelInvalid,
                  "accepts.intensity needs p01 and p99 as [min, max] pairs");
    }
    s.p01Min_ = p01[0];
    s.p01Max_ = p01[1];
    s.p99Min_ = p99[0];
    s.p99Max_ = p99[1];
    s.learned_ = true;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, std::string("accepts.intensity: ") + e.what());
  }
  return s;
}

nlohmann::json IntensitySignature::toJson() const {
  if (!learned_) return nullptr;
  return {{"p01", {p01Min_, p01Max_}}, {"p99", {p99Min_, p99Max_}}};
}

std::optional<std::string> IntensitySignature::check(const Image& image) const {
  if (!learned_) return std::nullopt;
  const auto [p01, p99] = percentiles(image);
  const double span = std::max(p99Max_ - p01Min_, 1e-6);
  const bool lowOk = p01 >= p01Min_ - 0.25 * span && p01 <= p01Max_ + 0.25 * span;
  const bool highOk = (p99Min_ > 0 && p99Max_ > 0)
                          ? (p99 >= p99Min_ / 4.0 && p99 <= p99Max_ * 4.0)
                          : (p99 >= p99Min_ - 0.25 * span && p99 <= p99Max_ + 0.25 * span);
  if (lowOk && highOk) return std::nullopt;
  std::ostringstream why;
  why << "the image's intensities (1st percentile " << p01 << ", 99th " << p99
      << ") are not those of the images the model was trained on (1st percentile " << p01Min_
      << " to " << p01Max_ << ", 99th " << p99Min_ << " to " << p99Max_
      << "): a different modality or unit?";
  return why.str();
}

}  // namespace medsight

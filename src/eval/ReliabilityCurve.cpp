#include "eval/ReliabilityCurve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "eval/BinaryMetrics.h"

namespace medsight {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Wilson score interval for a binomial proportion (Wilson 1927), z = 1.96 for 95%.
std::pair<double, double> wilson(std::size_t successes, std::size_t n) {
  if (n == 0) return {kNaN, kNaN};
  const double z = 1.959963984540054;
  const double p = static_cast<double>(successes) / static_cast<double>(n);
  const double nn = static_cast<double>(n);
  const double denom = 1.0 + z * z / nn;
  const double centre = (p + z * z / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

}  // namespace

ReliabilityCurve ReliabilityCurve::compute(std::span<const double> probabilities,
                                           std::span<const int> labels, int binCount) {
  // Validates lengths, labels and emptiness with BinaryMetrics' messages.
  const double ece = BinaryMetrics::expectedCalibrationError(probabilities, labels, binCount);
  ReliabilityCurve curve;
  curve.expectedCalibrationError = ece;
  const auto nb = static_cast<std::size_t>(binCount);
  std::vector<double> sumP(nb, 0.0);
  curve.bins.resize(nb);
  for (std::size_t b = 0; b < nb; ++b) {
    curve.bins[b].lower = static_cast<double>(b) / binCount;
    curve.bins[b].upper = static_cast<double>(b + 1) / binCount;
  }
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(probabilities[i], 0.0, 1.0);
    // Same binning as BinaryMetrics::expectedCalibrationError (p = 1 goes to the last bin).
    const auto b = std::min(static_cast<std::size_t>(p * binCount), nb - 1);
    sumP[b] += p;
    curve.bins[b].count += 1;
    curve.bins[b].positives += labels[i] == 1 ? 1 : 0;
  }
  for (std::size_t b = 0; b < nb; ++b) {
    auto& bin = curve.bins[b];
    if (bin.count == 0) {
      bin.meanPredicted = bin.observedRate = bin.observedLower = bin.observedUpper = kNaN;
      continue;
    }
    bin.meanPredicted = sumP[b] / static_cast<double>(bin.count);
    bin.observedRate = static_cast<double>(bin.positives) / static_cast<double>(bin.count);
    std::tie(bin.observedLower, bin.observedUpper) = wilson(bin.positives, bin.count);
    curve.maximumCalibrationError =
        std::max(curve.maximumCalibrationError, std::abs(bin.observedRate - bin.meanPredicted));
  }
  return curve;
}

nlohmann::json ReliabilityCurve::toJson() const {
  nlohmann::json out{{"ece", number(expectedCalibrationError)},
                     {"mce", number(maximumCalibrationError)},
                     {"bins", nlohmann::json::array()}};
  for (const auto& b : bins) {
    out["bins"].push_back({{"lower", b.lower},
                           {"upper", b.upper},
                           {"count", b.count},
                           {"positives", b.positives},
                           {"mean_predicted", number(b.meanPredicted)},
                           {"observed_rate", number(b.observedRate)},
                           {"observed_lower", number(b.observedLower)},
                           {"observed_upper", number(b.observedUpper)}});
  }
  return out;
}

}  // namespace medsight

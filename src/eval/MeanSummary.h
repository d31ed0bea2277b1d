#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace medsight {

/// \brief Summary of a per-case metric (per patient, per image pair): mean with a 95 %
/// percentile-bootstrap interval over cases (seeded, 2000 resamples), median, sample SD and
/// range. Used for cross-validated segmentation metrics and for paired tool comparisons.
class MeanSummary {
 public:
  /// \brief {"mean", "median", "std", "min", "max", "ci95_lower", "ci95_upper", "n"}; null for
  /// no values.
  static nlohmann::json of(const std::vector<double>& values, std::uint64_t seed);
};

}  // namespace medsight

#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "eval/BinaryMetrics.h"

namespace medsight {

/// \brief Performance at one decision threshold.
struct ThresholdRow {
  std::string rule;        ///< how the threshold was chosen
  double threshold = 0.0;  ///< on the calibrated probability (score >= threshold is positive)
  ConfusionCounts counts;
  /// \brief True when the threshold was chosen on the same data it is evaluated on (optimistic).
  bool chosenOnThisData = false;
};

/// \brief The thresholds a hospital chooses between: the model's operating point, screening
/// points (sensitivity >= 95% / 90%), a rule-in point (specificity >= 95%), Youden's J and a
/// fixed grid, each with its confusion counts.
class ThresholdTable {
 public:
  /// \brief Rows for calibrated probabilities and 0/1 labels.
  static std::vector<ThresholdRow> compute(std::span<const double> probabilities,
                                           std::span<const int> labels, double modelThreshold,
                                           const std::string& modelRule);
  /// \brief Threshold maximising sensitivity + specificity - 1 (Youden 1950) on the ROC curve.
  static double youdenThreshold(std::span<const double> probabilities, std::span<const int> labels);
  /// \brief Rows as JSON (NaN metrics become null).
  static nlohmann::json toJson(const std::vector<ThresholdRow>& rows);
};

}  // namespace medsight

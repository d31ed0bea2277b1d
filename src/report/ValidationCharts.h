#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/BinaryMetrics.h"
#include "eval/ReliabilityCurve.h"

namespace medsight {

struct SanityCheckReport;

/// \brief A curve of one model for charts that overlay several models.
struct NamedCurve {
  std::string model;
  std::vector<CurvePoint> points;
  double operatingX = 0.0, operatingY = 0.0;  ///< the model's operating point on the curve
};

/// \brief Vega-Lite v6 specifications (Satyanarayan et al., IEEE TVCG 2017) of the validation
/// report's charts. The page renders them with vega-embed; numbers come in as inline data, so
/// every plotted value is also in the report's JSON.
class ValidationCharts {
 public:
  /// \brief ROC curves (FPR vs sensitivity) with the chance diagonal and operating points.
  static nlohmann::json roc(const std::vector<NamedCurve>& curves);
  /// \brief Precision-recall curves with the prevalence baseline and operating points.
  static nlohmann::json precisionRecall(const std::vector<NamedCurve>& curves, double prevalence);
  /// \brief Confusion matrix heatmap with counts and row percentages.
  static nlohmann::json confusion(const ConfusionCounts& counts, const std::string& negative,
                                  const std::string& positive);
  /// \brief Reliability diagram (observed vs predicted per bin with 95% Wilson intervals) for
  /// the calibrated and the uncalibrated probabilities, over a histogram of bin counts.
  static nlohmann::json reliability(const ReliabilityCurve& calibrated,
                                    const ReliabilityCurve& uncalibrated);
  /// \brief Histogram of predicted probabilities by true label with the threshold marked.
  static nlohmann::json scoreDistribution(const std::vector<double>& probabilities,
                                          const std::vector<int>& labels,
                                          const std::string& negative, const std::string& positive,
                                          double threshold);
  /// \brief Mean Spearman correlation per cascade stage and method (Adebayo et al. Fig. 2).
  static nlohmann::json randomisationCascade(const SanityCheckReport& report);
};

}  // namespace medsight

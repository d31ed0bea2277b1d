#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>

#include "eval/BinaryMetrics.h"

namespace medsight {

/// \brief A point estimate with its confidence interval.
struct MetricEstimate {
  double value = 0.0;
  double lower = 0.0;
  double upper = 0.0;
};

/// \brief How confidence intervals are computed.
struct BootstrapOptions {
  /// \brief Bootstrap replicates (percentile method).
  int replicates = 2000;
  /// \brief Seed: the same seed gives the same intervals.
  std::uint64_t seed = 20261125;
  /// \brief Two-sided confidence level.
  double level = 0.95;
  /// \brief Resample positives and negatives separately, keeping the class counts (so AUC is
  /// defined in every replicate).
  bool stratified = true;
};

/// \brief Performance of binary scores at an operating threshold: AUC, average precision,
/// accuracy, sensitivity, specificity, PPV, NPV, F1, balanced accuracy, each with a bootstrap
/// confidence interval, plus the confusion counts.
struct BinaryEvaluation {
  double threshold = 0.5;
  std::size_t samples = 0;
  std::size_t positives = 0;
  ConfusionCounts counts;
  std::map<std::string, MetricEstimate> metrics;
  BootstrapOptions bootstrap;

  /// \brief Computes everything; metrics undefined on the data (e.g. NPV with no negative
  /// calls) are NaN and their intervals are NaN too.
  static BinaryEvaluation compute(std::span<const double> scores, std::span<const int> labels,
                                  double threshold, const BootstrapOptions& options = {});
  /// \brief JSON object: {"threshold", "samples", "positives", "confusion", "metrics": {name:
  /// {"value","ci_lower","ci_upper"}}, "bootstrap": {...}}.
  nlohmann::json toJson() const;
};

/// \brief Paired comparison of two scorers on the same samples: AUC difference (B - A) with a
/// paired bootstrap interval and a two-sided p-value from DeLong's test (DeLong et al. 1988).
struct PairedAucComparison {
  double aucA = 0.0, aucB = 0.0;
  MetricEstimate difference;
  double delongZ = 0.0;
  double delongP = 1.0;

  /// \brief Compares scores A and B for the same labels.
  static PairedAucComparison compute(std::span<const double> scoresA,
                                     std::span<const double> scoresB, std::span<const int> labels,
                                     const BootstrapOptions& options = {});
  /// \brief JSON object with the figures.
  nlohmann::json toJson() const;
};

}  // namespace medsight

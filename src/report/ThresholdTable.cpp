#include "report/ThresholdTable.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace medsight {
namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

}  // namespace

double ThresholdTable::youdenThreshold(std::span<const double> probabilities,
                                       std::span<const int> labels) {
  const auto roc = BinaryMetrics::rocCurve(probabilities, labels);
  double best = -1.0, threshold = 0.5;
  for (const auto& p : roc) {
    if (!std::isfinite(p.threshold)) continue;
    if (p.y - p.x > best) {
      best = p.y - p.x;
      threshold = p.threshold;
    }
  }
  return threshold;
}

std::vector<ThresholdRow> ThresholdTable::compute(std::span<const double> probabilities,
                                                  std::span<const int> labels,
                                                  double modelThreshold,
                                                  const std::string& modelRule) {
  std::vector<ThresholdRow> rows;
  auto add = [&](const std::string& rule, double t, bool onThisData) {
    if (!std::isfinite(t)) return;
    rows.push_back({rule, t, BinaryMetrics::confusion(probabilities, labels, t), onThisData});
  };
  add("Model operating point" + (modelRule.empty() ? "" : " (" + modelRule + ")"), modelThreshold,
      false);
  add("Sensitivity >= 95% (screening)",
      BinaryMetrics::thresholdForSensitivity(probabilities, labels, 0.95), true);
  add("Sensitivity >= 90%", BinaryMetrics::thresholdForSensitivity(probabilities, labels, 0.90),
      true);
  add("Specificity >= 95% (rule-in)",
      BinaryMetrics::thresholdForSpecificity(probabilities, labels, 0.95), true);
  add("Youden's J maximum", youdenThreshold(probabilities, labels), true);
  for (double t : {0.1, 0.3, 0.5, 0.7, 0.9}) {
    char name[32];
    std::snprintf(name, sizeof name, "Fixed %.1f", t);
    add(name, t, false);
  }
  return rows;
}

nlohmann::json ThresholdTable::toJson(const std::vector<ThresholdRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    out.push_back({{"rule", r.rule},
                   {"threshold", r.threshold},
                   {"chosen_on_this_data", r.chosenOnThisData},
                   {"tp", r.counts.tp},
                   {"fp", r.counts.fp},
                   {"tn", r.counts.tn},
                   {"fn", r.counts.fn},
                   {"sensitivity", number(r.counts.sensitivity())},
                   {"specificity", number(r.counts.specificity())},
                   {"ppv", number(r.counts.ppv())},
                   {"npv", number(r.counts.npv())}});
  }
  return out;
}

}  // namespace medsight

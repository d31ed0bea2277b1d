#include "report/RecalibrationCheck.h"

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "eval/BinaryMetrics.h"
#include "eval/TemperatureScaler.h"
#include "models/LabeledImageSet.h"

namespace medsight {

RecalibrationCheck RecalibrationCheck::run(std::span<const double> logits,
                                           std::span<const int> labels, double currentTemperature,
                                           int folds, std::uint64_t seed, int bins) {
  if (logits.size() != labels.size() || logits.empty()) {
    throw Error(ErrorCode::InvalidArgument, "recalibration: need matching, non-empty inputs");
  }
  if (folds < 2) throw Error(ErrorCode::InvalidArgument, "recalibration: at least 2 folds");
  RecalibrationCheck r;
  r.folds = folds;
  r.currentTemperature = currentTemperature;
  r.fittedTemperature = TemperatureScaler::fit(logits, labels);
  const std::vector<int> labelVector(labels.begin(), labels.end());
  const auto foldIndices = StratifiedSplitter::folds(labelVector, folds, seed);
  r.crossFittedProbabilities.assign(logits.size(), 0.0);
  std::vector<char> inFold(logits.size());
  for (const auto& held : foldIndices) {
    std::fill(inFold.begin(), inFold.end(), 0);
    for (auto i : held) inFold[i] = 1;
    std::vector<double> z;
    std::vector<int> y;
    for (std::size_t i = 0; i < logits.size(); ++i) {
      if (!inFold[i]) {
        z.push_back(logits[i]);
        y.push_back(labels[i]);
      }
    }
    const double t = TemperatureScaler::fit(z, y);
    r.foldTemperatures.push_back(t);
    for (auto i : held)
      r.crossFittedProbabilities[i] = TemperatureScaler::probability(logits[i], t);
  }
  std::vector<double> before;
  for (double z : logits) before.push_back(TemperatureScaler::probability(z, currentTemperature));
  r.eceBefore = BinaryMetrics::expectedCalibrationError(before, labels, bins);
  r.eceAfter = BinaryMetrics::expectedCalibrationError(r.crossFittedProbabilities, labels, bins);
  r.brierBefore = BinaryMetrics::brierScore(before, labels);
  r.brierAfter = BinaryMetrics::brierScore(r.crossFittedProbabilities, labels);
  return r;
}

nlohmann::json RecalibrationCheck::toJson() const {
  return {{"folds", folds},
          {"current_temperature", currentTemperature},
          {"fitted_temperature", fittedTemperature},
          {"fold_temperatures", foldTemperatures},
          {"ece_before", eceBefore},
          {"ece_after_cross_fitted", eceAfter},
          {"brier_before", brierBefore},
          {"brier_after_cross_fitted", brierAfter}};
}

}  // namespace medsight

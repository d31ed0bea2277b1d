#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <vector>

namespace medsight {

/// \brief What refitting the calibration temperature on local data would change, estimated
/// honestly: each fold's temperature is fitted on the other folds only (cross-fitting), so the
/// reported calibration is never measured on the data the temperature was fitted on.
struct RecalibrationCheck {
  int folds = 5;
  double currentTemperature = 1.0;
  double fittedTemperature = 1.0;  ///< fitted on all of this data (the value to deploy)
  std::vector<double> foldTemperatures;
  std::vector<double> crossFittedProbabilities;
  double eceBefore = 0.0, eceAfter = 0.0;
  double brierBefore = 0.0, brierAfter = 0.0;

  /// \brief Runs the check on ensemble logits and 0/1 labels with stratified folds.
  static RecalibrationCheck run(std::span<const double> logits, std::span<const int> labels,
                                double currentTemperature, int folds = 5, std::uint64_t seed = 17,
                                int bins = 10);
  /// \brief Figures as JSON (without per-image probabilities).
  nlohmann::json toJson() const;
};

}  // namespace medsight

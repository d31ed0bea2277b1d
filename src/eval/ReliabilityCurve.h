#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <vector>

namespace medsight {

/// \brief One bin of a reliability diagram.
struct ReliabilityBin {
  double lower = 0.0;  ///< bin edges on the predicted probability
  double upper = 0.0;
  std::size_t count = 0;
  std::size_t positives = 0;
  double meanPredicted = 0.0;  ///< mean predicted probability in the bin (NaN if empty)
  double observedRate = 0.0;   ///< fraction of positives in the bin (NaN if empty)
  double observedLower = 0.0;  ///< 95% Wilson score interval of the observed rate
  double observedUpper = 0.0;
};

/// \brief Reliability diagram (DeGroot & Fienberg 1983; Guo et al., ICML 2017): equal-width
/// probability bins with the mean prediction and the observed positive rate in each. Its
/// expected calibration error equals BinaryMetrics::expectedCalibrationError for the same bins.
struct ReliabilityCurve {
  std::vector<ReliabilityBin> bins;
  double expectedCalibrationError = 0.0;
  /// \brief Largest |observed - predicted| over non-empty bins (MCE).
  double maximumCalibrationError = 0.0;

  /// \brief Bins `probabilities` against 0/1 labels (throws like BinaryMetrics).
  static ReliabilityCurve compute(std::span<const double> probabilities,
                                  std::span<const int> labels, int binCount = 10);
  /// \brief {"ece", "mce", "bins": [{lower, upper, count, positives, mean_predicted,
  /// observed_rate, observed_lower, observed_upper}]}; NaN becomes null.
  nlohmann::json toJson() const;
};

}  // namespace medsight

#pragma once

#include <span>

namespace medsight {

/// \brief Temperature scaling (Guo et al., ICML 2017): one scalar T > 0 dividing the logits,
/// fitted by minimising the negative log-likelihood on validation data. Keeps the ranking (AUC)
/// and fixes over- or under-confidence.
class TemperatureScaler {
 public:
  /// \brief The T in [0.05, 20] minimising binary NLL of sigmoid(logit / T).
  static double fit(std::span<const double> logits, std::span<const int> labels);
  /// \brief Mean binary negative log-likelihood at temperature T.
  static double negativeLogLikelihood(std::span<const double> logits, std::span<const int> labels,
                                      double temperature);
  /// \brief sigmoid(logit / T).
  static double probability(double logit, double temperature);
};

}  // namespace medsight

#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace medsight {

/// \brief Platt scaling: P(y = 1 | s) = 1 / (1 + exp(A s + B)), fitted by Newton's method with
/// backtracking on regularised targets (Platt 1999; Lin, Lin and Weng, Machine Learning 2007).
/// Fitted on out-of-fold scores so that probabilities are not overconfident.
class PlattCalibrator {
 public:
  /// \brief The identity-like default A = -1, B = 0 (a logistic of the score).
  PlattCalibrator() = default;
  /// \brief Fits A and B on scores and 0/1 labels.
  static PlattCalibrator fit(std::span<const double> scores, std::span<const int> labels);
  /// \brief Calibrated probability of a score.
  double probability(double score) const;
  /// \brief Probabilities of many scores.
  std::vector<double> probabilities(std::span<const double> scores) const;
  /// \brief {"method": "platt", "a": A, "b": B}.
  nlohmann::json toJson() const;
  /// \brief Reads toJson() output; throws ModelInvalid naming `context`.
  static PlattCalibrator fromJson(const nlohmann::json& j, const std::string& context);

  double a = -1.0;  ///< slope (negative when larger scores mean positive)
  double b = 0.0;   ///< offset
};

}  // namespace medsight

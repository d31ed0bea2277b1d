#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "classical/DenseMatrix.h"
#include "classical/FeatureTable.h"

namespace medsight {

/// \brief Settings of the feature preprocessing learned on training data.
struct FeatureTransformSettings {
  bool imputeMedian = false;      ///< replace NaN by the training median (else an error)
  std::size_t selectCount = 0;    ///< keep the k best features (0 = all)
  double correlationLimit = 1.0;  ///< drop a feature correlated above this with a kept one
};

/// \brief Preprocessing fitted on training rows only and applied unchanged to new rows: median
/// imputation (optional), removal of constant features, univariate selection by the
/// Mann-Whitney AUC distance from 0.5 with correlation pruning (|Pearson r| above a limit), and
/// standardisation to zero mean and unit variance.
class FeatureTransform {
 public:
  /// \brief Learns the transform. Throws InvalidArgument for non-finite values without
  /// imputation, or when no feature varies.
  static FeatureTransform fit(const FeatureTable& table, std::span<const int> labels,
                              const FeatureTransformSettings& settings, const std::string& source);
  /// \brief Transforms rows whose columns are the training columns (same order).
  DenseMatrix apply(const FeatureTable& table, const std::string& source) const;
  /// \brief Names of the features kept, in output order.
  std::vector<std::string> outputNames() const;
  /// \brief Indices of the kept features among the input columns.
  const std::vector<std::size_t>& kept() const { return kept_; }
  /// \brief The input columns the transform expects.
  const std::vector<std::string>& inputColumns() const { return inputColumns_; }
  /// \brief Serialises everything learned.
  nlohmann::json toJson() const;
  /// \brief Restores a transform; throws ModelInvalid naming `context` when malformed.
  static FeatureTransform fromJson(const nlohmann::json& j, const std::string& context);

 private:
  FeatureTransformSettings settings_;
  std::vector<std::string> inputColumns_;
  std::vector<double> medians_;    // per input column (imputation)
  std::vector<std::size_t> kept_;  // input column indices
  std::vector<double> means_, scales_;
};

}  // namespace medsight

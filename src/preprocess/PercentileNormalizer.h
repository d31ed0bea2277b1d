#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Percentile normalisation: clips to the image's [`low`, `high`] percentiles and maps
/// that range linearly to [`out_min`, `out_max`] (default [0, 1]); robust to a few extreme
/// voxels where min-max scaling is not. Pipeline step "percentile".
class PercentileNormalizer : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  PercentileNormalizer(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "percentile"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  double low_ = 0.5;
  double high_ = 99.5;
  double outMin_ = 0.0;
  double outMax_ = 1.0;
};

}  // namespace medsight

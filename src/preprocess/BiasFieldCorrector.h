#pragma once

#include <vector>

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief MRI bias-field correction with N4 (Tustison et al., IEEE TMI 2010;
/// itk::N4BiasFieldCorrectionImageFilter): the smooth multiplicative field is fitted on a
/// shrunken copy inside a foreground mask, rebuilt at full resolution from its B-spline
/// control points, and divided out. Pipeline step "n4_bias_correction"; parameters
/// `shrink_factor`, `iterations` (per fitting level), `convergence`, `control_points` (per
/// axis, >= spline order + 1), `mask` ("otsu" = voxels above the lower of two 3-class Otsu
/// thresholds, i.e. the body without background, "mask" = the subject's mask, "all" = every
/// positive voxel).
class BiasFieldCorrector : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  BiasFieldCorrector(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "n4_bias_correction"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  int shrinkFactor_ = 4;
  std::vector<int> iterations_{50, 50, 30, 20};
  double convergence_ = 0.001;
  int controlPoints_ = 4;
  std::string mask_ = "otsu";
};

}  // namespace medsight

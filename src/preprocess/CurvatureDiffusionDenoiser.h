#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Curvature anisotropic diffusion (Whitaker and Xue 2001, as implemented by
/// itk::CurvatureAnisotropicDiffusionImageFilter): smooths within regions, not across edges.
/// Pipeline step "curvature_diffusion"; parameters `iterations`, `conductance`, `time_step`
/// (0 = the stable maximum for the image's smallest spacing and dimension).
class CurvatureDiffusionDenoiser : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  CurvatureDiffusionDenoiser(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "curvature_diffusion"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  int iterations_ = 5;
  double conductance_ = 3.0;
  double timeStep_ = 0.0;
};

}  // namespace medsight

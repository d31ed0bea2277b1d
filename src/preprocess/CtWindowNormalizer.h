#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief CT windowing in Hounsfield units: clips to [center - width/2, center + width/2]
/// (the linear VOI window of DICOM PS3.3 C.11.2.1.2 without its half-voxel offsets) and, by
/// default, rescales that range to [0, 1]. Pipeline step "ct_window"; parameters `center` and
/// `width` in HU, or `preset` ("soft_tissue" 40/400, "lung" -600/1500, "bone" 400/1800,
/// "brain" 40/80, "liver" 60/150, "mediastinum" 50/350), and `rescale`.
class CtWindowNormalizer : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  CtWindowNormalizer(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "ct_window"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  double center_ = 40.0;
  double width_ = 400.0;
  bool rescale_ = true;
};

}  // namespace medsight

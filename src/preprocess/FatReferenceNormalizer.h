#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Fat-reference normalisation for T1-weighted MR: divides by the intensity of fat so
/// that MR from different scanners share a scale (fat = `target`). The fat intensity is the
/// median of the subject's mask when `reference` is "mask" (a drawn subcutaneous-fat region),
/// or, with "auto", the median of the brightest of three Otsu classes (air, soft tissue, fat)
/// — on T1 images subcutaneous fat and fatty marrow are the brightest tissue.
/// Pipeline step "fat_reference".
class FatReferenceNormalizer : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  FatReferenceNormalizer(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "fat_reference"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  std::string reference_ = "auto";
  double target_ = 1.0;
};

}  // namespace medsight

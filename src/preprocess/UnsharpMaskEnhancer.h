#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Unsharp masking (itk::UnsharpMaskImageFilter): adds `amount` times the difference
/// between the image and its Gaussian blur (`sigma_mm`, physical units) where that difference
/// exceeds `threshold`. Pipeline step "unsharp_mask". A 3D stack of fewer than 4 slices (too
/// thin for ITK's recursive Gaussian) is sharpened in-plane, slice by slice.
class UnsharpMaskEnhancer : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  UnsharpMaskEnhancer(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "unsharp_mask"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  double sigmaMm_ = 1.0;
  double amount_ = 0.5;
  double threshold_ = 0.0;
};

}  // namespace medsight

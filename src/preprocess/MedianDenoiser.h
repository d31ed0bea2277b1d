#pragma once

#include <array>

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Median filter (itk::MedianImageFilter): removes impulse ("salt and pepper") noise
/// while keeping edges. Pipeline step "median"; parameter `radius` in voxels (x, y, z).
class MedianDenoiser : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  MedianDenoiser(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "median"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  std::array<double, 3> radius_{1, 1, 1};
  bool planar_ = false;  ///< given as (x, y), for 2D images only
};

}  // namespace medsight

#pragma once

#include <array>

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Adaptive histogram equalisation (Stark, IEEE TIP 2000, as implemented by
/// itk::AdaptiveHistogramEqualizationImageFilter): local contrast enhancement whose `alpha`
/// (0 = classical equalisation, 1 = unsharp mask) and `beta` (0 = no local enhancement, 1 =
/// original image) bound the contrast amplification the way CLAHE's clip limit does.
/// Pipeline step "adaptive_histogram_equalization"; `radius` in voxels. Step "clahe" is
/// ClaheEnhancer (OpenCV, slice by slice).
class AdaptiveHistogramEqualizer : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  AdaptiveHistogramEqualizer(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "adaptive_histogram_equalization"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  double alpha_ = 0.3;
  double beta_ = 0.3;
  std::array<double, 3> radius_{8, 8, 2};
  bool planar_ = false;  ///< given as (x, y), for 2D images only
};

}  // namespace medsight

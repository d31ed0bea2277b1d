#pragma once

#include <array>

#include "preprocess/GridResampler.h"
#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Resamples image (and mask, nearest neighbour) to a target voxel spacing over the same
/// physical field of view. Pipeline step "resample"; parameters `spacing` (mm; 0 keeps an
/// axis) and `interpolation` ("linear", "bspline", "nearest").
class SpacingResampler : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  SpacingResampler(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "resample"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;
  bool changesGrid() const override { return true; }

 private:
  std::array<double, 3> spacing_{1, 1, 1};
  bool planar_ = false;  ///< given as (x, y), for 2D images only
  Interpolation interpolation_ = Interpolation::Linear;
};

}  // namespace medsight

#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Z-score normalisation, (x - mean) / std, with mean and std measured over `region`:
/// "image" (every voxel), "mask" (the subject's mask) or "foreground" (voxels above Otsu's
/// threshold) or "nonzero" (voxels that are not exactly 0: the field of view of zero-padded MR,
/// nnU-Net's habit). Optional clipping to the region's
/// [`clip_low`, `clip_high`] percentiles first (nnU-Net's CT scheme). Pipeline step "zscore".
class ZScoreNormalizer : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  ZScoreNormalizer(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "zscore"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  std::string region_ = "image";
  double clipLow_ = 0.0;
  double clipHigh_ = 100.0;
};

}  // namespace medsight

#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include "explain/ClassifierEnsemble.h"

namespace medsight {

/// \brief Occlusion sensitivity (Zeiler & Fergus, ECCV 2014): a square patch slides over the
/// input; each pixel's attribution is the mean drop in the target label's calibrated
/// probability over the patches that cover it. Positive = hiding it lowers the target.
class OcclusionExplainer {
 public:
  /// \brief Maps [N, H, W] for unit-range input [N, C, H, W]. `patch`/`stride` in input pixels
  /// (0 = defaults: about a sixth of the side, stride half the patch); `baseline` is the patch
  /// value in [0, 1], or negative for each image's mean intensity (a grey patch).
  static torch::Tensor attribute(const ClassifierEnsemble& ensemble, const torch::Tensor& unit,
                                 const torch::Tensor& sign, int patch = 0, int stride = 0,
                                 double baseline = -1.0);
};

}  // namespace medsight

#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include "explain/ClassifierEnsemble.h"

namespace medsight {

/// \brief Integrated gradients (Sundararajan et al., "Axiomatic Attribution for Deep
/// Networks", ICML 2017): (x - x') times the mean gradient of the signed ensemble logit along
/// the straight path from a baseline x' to x (midpoint Riemann sum), summed over channels.
class IntegratedGradientsExplainer {
 public:
  /// \brief Attributions [N, H, W] for unit-range input [N, C, H, W]. If `completeness` is
  /// given it receives, per image, |sum(attributions) - (F(x) - F(x'))| / |F(x) - F(x')|.
  static torch::Tensor attribute(const ClassifierEnsemble& ensemble, const torch::Tensor& unit,
                                 const torch::Tensor& sign, int steps = 64, double baseline = 0.0,
                                 torch::Tensor* completeness = nullptr);
};

}  // namespace medsight

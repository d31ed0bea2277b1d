#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include <string>

#include "explain/ClassifierEnsemble.h"

namespace medsight {

/// \brief Gradient-weighted class activation maps (Selvaraju et al., "Grad-CAM", ICCV 2017):
/// the feature map at the end of `features()` weighted per channel by the spatial mean of the
/// target logit's gradient, rectified, averaged over ensemble members and resized bilinearly to
/// the network's input size.
class GradCamExplainer {
 public:
  /// \brief Maps [N, H, W] (>= 0) for unit-range input [N, C, H, W]; `sign` [N] is +1 to
  /// explain the positive label and -1 for the negative one. Throws InvalidArgument when
  /// `layer` is not the layer the networks expose for Grad-CAM.
  static torch::Tensor attribute(const ClassifierEnsemble& ensemble, const torch::Tensor& unit,
                                 const torch::Tensor& sign, const std::string& layer);
};

}  // namespace medsight

#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include <string>

#include "explain/ClassifierEnsemble.h"
#include "explain/Explanation.h"

namespace medsight {

/// \brief Runs the method chosen in `options` on unit-range input [N, C, H, W] and returns raw
/// maps [N, H, W] at the network's input size. `sign` [N] is +1 (explain the positive label) or
/// -1 (the negative label); `layer` is the resolved Grad-CAM layer; `completeness` receives the
/// integrated-gradients completeness errors [N] (NaN for other methods) when given.
torch::Tensor computeAttribution(const ClassifierEnsemble& ensemble, const torch::Tensor& unit,
                                 const torch::Tensor& sign, const ExplanationOptions& options,
                                 const std::string& layer, torch::Tensor* completeness = nullptr);

}  // namespace medsight

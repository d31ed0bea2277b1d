#pragma once

#include <torch/torch.h>

#include "models/ClassifierNetwork.h"

namespace medsight::test {

/// \brief A network whose explanations can be computed by hand: features(x) = x (the
/// normalised input itself, [N, 1, H, W]) and head(f) = weight * mean(f) + bias. Its logit is
/// linear in the pixels, so Grad-CAM, occlusion and integrated gradients have closed forms.
class LinearProbeNetwork : public ClassifierNetworkImpl {
 public:
  explicit LinearProbeNetwork(double weight = 1.0, double bias = 0.0)
      : weight_(register_parameter("weight", torch::full({1}, weight))),
        bias_(register_parameter("bias", torch::full({1}, bias))) {}
  torch::Tensor features(torch::Tensor x) override { return x; }
  torch::Tensor head(torch::Tensor f) override {
    return (f.mean({1, 2, 3}) * weight_ + bias_).view({-1, 1});
  }
  std::string featureLayerName() const override { return "input"; }

 private:
  torch::Tensor weight_, bias_;
};

}  // namespace medsight::test

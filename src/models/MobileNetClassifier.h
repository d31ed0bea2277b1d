#pragma once

#include "models/ClassifierNetwork.h"

namespace medsight {

/// \brief A MobileNetV2-style network (Sandler et al., CVPR 2018): inverted residual blocks
/// with depthwise convolutions, a fraction of ResNet-18's compute, for CPU deployment.
/// `spec.width` is the channels of the first stage (32 in the original at width 1.0).
class MobileNetClassifier : public ClassifierNetworkImpl {
 public:
  explicit MobileNetClassifier(const ArchitectureSpec& spec);
  torch::Tensor features(torch::Tensor x) override;
  torch::Tensor head(torch::Tensor features) override;
  std::string featureLayerName() const override { return "last_conv"; }

 private:
  torch::nn::Sequential trunk_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear fc_{nullptr};
};

}  // namespace medsight

#pragma once

#include <vector>

#include "models/ClassifierNetwork.h"

namespace medsight {

/// \brief ResNet-18/34 (He et al., CVPR 2016) with basic residual blocks. For inputs under 64
/// pixels the stem is a 3x3 stride-1 convolution without max pooling, so 28x28 MedMNIST images
/// keep enough resolution through four stages; at 224 it is the original 7x7/2 + pool stem.
class ResNetClassifier : public ClassifierNetworkImpl {
 public:
  /// \brief Builds with `blocks` per stage ({2,2,2,2} = ResNet-18, {3,4,6,3} = ResNet-34).
  ResNetClassifier(const ArchitectureSpec& spec, std::vector<int> blocks);
  torch::Tensor features(torch::Tensor x) override;
  torch::Tensor head(torch::Tensor features) override;
  std::string featureLayerName() const override { return "layer4"; }

 private:
  torch::nn::Sequential stem_{nullptr};
  torch::nn::Sequential layer1_{nullptr}, layer2_{nullptr}, layer3_{nullptr}, layer4_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear fc_{nullptr};
};

}  // namespace medsight

#pragma once

// LibTorch networks: include only from src/models and src/explain .cpp files.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "models/ArchitectureSpec.h"

namespace medsight {

/// \brief A CNN classifier split into a convolutional trunk and a head, so explanations can
/// reach the last convolutional feature map (Grad-CAM).
class ClassifierNetworkImpl : public torch::nn::Module {
 public:
  ~ClassifierNetworkImpl() override = default;
  /// \brief Logits [N, outputs] for input [N, C, H, W].
  torch::Tensor forward(torch::Tensor x) { return head(features(x)); }
  /// \brief Last convolutional feature map [N, C', h, w].
  virtual torch::Tensor features(torch::Tensor x) = 0;
  /// \brief Logits from a feature map (global average pooling + linear).
  virtual torch::Tensor head(torch::Tensor features) = 0;
  /// \brief Name of the layer `features` ends at (recorded for Grad-CAM in the manifest).
  virtual std::string featureLayerName() const = 0;
};

/// \brief Builds the network named in `spec`; throws InvalidConfiguration for unknown names.
std::shared_ptr<ClassifierNetworkImpl> createClassifierNetwork(const ArchitectureSpec& spec);

/// \brief Number of trainable parameters.
std::int64_t countParameters(const torch::nn::Module& module);

}  // namespace medsight

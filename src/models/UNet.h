#pragma once

// LibTorch network: include only from .cpp files of src/models and src/segmentation.
#include <torch/torch.h>

#include <vector>

#include "models/UNetSpec.h"

namespace medsight {

/// \brief A 2D or 3D U-Net: per level two 3x3(x3) convolutions with normalisation and leaky
/// ReLU (the nnU-Net block), max-pooling down, transposed convolutions up, skip connections by
/// concatenation, and a 1x1(x1) convolution to class logits. Any number of input channels.
class UNetImpl : public torch::nn::Module {
 public:
  /// \brief Builds the network; throws InvalidConfiguration for an impossible spec.
  explicit UNetImpl(const UNetSpec& spec);
  /// \brief Logits [N, classes, (D,) H, W] for input [N, C, (D,) H, W]; spatial extents must be
  /// divisible by spec().sizeDivisor() (InvalidArgument otherwise).
  torch::Tensor forward(torch::Tensor x);
  /// \brief The spec the network was built from.
  const UNetSpec& spec() const { return spec_; }

 private:
  torch::nn::Sequential convBlock(int in, int out, const std::string& name);

  UNetSpec spec_;
  std::vector<torch::nn::Sequential> encoder_;
  std::vector<torch::nn::AnyModule> pools_;
  std::vector<torch::nn::AnyModule> upsamplers_;
  std::vector<torch::nn::Sequential> decoder_;
  torch::nn::AnyModule head_;
};
TORCH_MODULE(UNet);

}  // namespace medsight

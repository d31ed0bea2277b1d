#include "models/UNet.h"

#include "core/Error.h"

namespace medsight {
namespace {

torch::nn::AnyModule convolution(int dims, int in, int out, int kernel) {
  if (dims == 2) {
    return torch::nn::AnyModule(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2)));
  }
  return torch::nn::AnyModule(
      torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, kernel).padding(kernel / 2)));
}

torch::nn::AnyModule normalization(int dims, const std::string& kind, int channels) {
  if (kind == "batch") {
    if (dims == 2) return torch::nn::AnyModule(torch::nn::BatchNorm2d(channels));
    return torch::nn::AnyModule(torch::nn::BatchNorm3d(channels));
  }
  if (dims == 2) {
    return torch::nn::AnyModule(
        torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(channels).affine(true)));
  }
  return torch::nn::AnyModule(
      torch::nn::InstanceNorm3d(torch::nn::InstanceNorm3dOptions(channels).affine(true)));
}

}  // namespace

UNetImpl::UNetImpl(const UNetSpec& spec) : spec_(spec) {
  if (spec.dimensions != 2 && spec.dimensions != 3) {
    throw Error(ErrorCode::InvalidConfiguration, "U-Net: dimensions must be 2 or 3");
  }
  if (spec.inputChannels < 1 || spec.classes < 2 || spec.baseChannels < 1 || spec.depth < 2 ||
      spec.depth > 7) {
    throw Error(ErrorCode::InvalidConfiguration,
                "U-Net: needs input_channels >= 1, classes >= 2, base_channels >= 1, depth 2..7");
  }
  if (spec.normalization != "instance" && spec.normalization != "batch") {
    throw Error(ErrorCode::InvalidConfiguration,
                "U-Net: normalization must be \"instance\" or \"batch\"");
  }
  const int d = spec.dimensions;
  int channels = spec.inputChannels;
  for (int level = 0; level < spec.depth; ++level) {
    const int out = spec.baseChannels << level;
    encoder_.push_back(convBlock(channels, out, "encoder" + std::to_string(level)));
    channels = out;
    if (level + 1 < spec.depth) {
      torch::nn::AnyModule pool =
          d == 2 ? torch::nn::AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)))
                 : torch::nn::AnyModule(torch::nn::MaxPool3d(torch::nn::MaxPool3dOptions(2)));
      pools_.push_back(pool);
    }
  }
  for (int level = spec.depth - 2; level >= 0; --level) {
    const int out = spec.baseChannels << level;
    torch::nn::AnyModule up;
    if (d == 2) {
      up = torch::nn::AnyModule(
          register_module("up" + std::to_string(level),
                          torch::nn::ConvTranspose2d(
                              torch::nn::ConvTranspose2dOptions(channels, out, 2).stride(2))));
    } else {
      up = torch::nn::AnyModule(
          register_module("up" + std::to_string(level),
                          torch::nn::ConvTranspose3d(
                              torch::nn::ConvTranspose3dOptions(channels, out, 2).stride(2))));
    }
    upsamplers_.push_back(up);
    decoder_.push_back(convBlock(2 * out, out, "decoder" + std::to_string(level)));
    channels = out;
  }
  head_ = convolution(d, channels, spec.classes, 1);
  register_module("head", head_.ptr());
}

torch::nn::Sequential UNetImpl::convBlock(int in, int out, const std::string& name) {
  const int d = spec_.dimensions;
  torch::nn::Sequential block;
  block->push_back(convolution(d, in, out, 3));
  block->push_back(normalization(d, spec_.normalization, out));
  block->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.01)));
  if (spec_.dropout > 0 && name == "encoder" + std::to_string(spec_.depth - 1)) {
    block->push_back(d == 2 ? torch::nn::AnyModule(torch::nn::Dropout2d(spec_.dropout))
                            : torch::nn::AnyModule(torch::nn::Dropout3d(spec_.dropout)));
  }
  block->push_back(convolution(d, out, out, 3));
  block->push_back(normalization(d, spec_.normalization, out));
  block->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.01)));
  return register_module(name, block);
}

torch::Tensor UNetImpl::forward(torch::Tensor x) {
  const int d = spec_.dimensions;
  if (x.dim() != d + 2 || x.size(1) != spec_.inputChannels) {
    throw Error(ErrorCode::InvalidArgument,
                "U-Net: expected input [N, " + std::to_string(spec_.inputChannels) +
                    (d == 2 ? ", H, W]" : ", D, H, W]") + ", got " + std::to_string(x.dim()) +
                    " dimensions with " + std::to_string(x.dim() > 1 ? x.size(1) : 0) +
                    " channels");
  }
  for (int i = 2; i < x.dim(); ++i) {
    if (x.size(i) % spec_.sizeDivisor() != 0) {
      throw Error(ErrorCode::InvalidArgument, "U-Net: spatial extent " + std::to_string(x.size(i)) +
                                                  " is not divisible by " +
                                                  std::to_string(spec_.sizeDivisor()));
    }
  }
  std::vector<torch::Tensor> skips;
  for (std::size_t level = 0; level < encoder_.size(); ++level) {
    x = encoder_[level]->forward(x);
    if (level < pools_.size()) {
      skips.push_back(x);
      x = pools_[level].forward(x);
    }
  }
  for (std::size_t i = 0; i < decoder_.size(); ++i) {
    x = upsamplers_[i].forward(x);
    x = torch::cat({skips[skips.size() - 1 - i], x}, 1);
    x = decoder_[i]->forward(x);
  }
  return head_.forward(x);
}

}  // namespace medsight

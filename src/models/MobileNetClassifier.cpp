#include "models/MobileNetClassifier.h"

#include <algorithm>

namespace medsight {
namespace {

/// Convolution + batch norm + ReLU6 as one module (nn::Sequential cannot nest Sequentials).
class ConvBnRelu6Impl : public torch::nn::Module {
 public:
  ConvBnRelu6Impl(int in, int out, int kernel, int stride, int groups) {
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                                          .stride(stride)
                                                          .padding(kernel / 2)
                                                          .groups(groups)
                                                          .bias(false)));
    bn_ = register_module("bn", torch::nn::BatchNorm2d(out));
  }
  torch::Tensor forward(torch::Tensor x) {
    return torch::clamp(bn_->forward(conv_->forward(x)), 0.0, 6.0);
  }

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBnRelu6);

/// Expand (1x1) -> depthwise (3x3) -> project (1x1, linear); residual when shapes match.
class InvertedResidualImpl : public torch::nn::Module {
 public:
  InvertedResidualImpl(int in, int out, int stride, int expansion)
      : residual_(stride == 1 && in == out) {
    const int hidden = in * expansion;
    torch::nn::Sequential body;
    if (expansion != 1) body->push_back(ConvBnRelu6(in, hidden, 1, 1, 1));
    body->push_back(ConvBnRelu6(hidden, hidden, 3, stride, hidden));
    body->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, out, 1).bias(false)));
    body->push_back(torch::nn::BatchNorm2d(out));
    body_ = register_module("body", body);
  }
  torch::Tensor forward(torch::Tensor x) {
    auto y = body_->forward(x);
    return residual_ ? x + y : y;
  }

 private:
  bool residual_;
  torch::nn::Sequential body_{nullptr};
};
TORCH_MODULE(InvertedResidual);

}  // namespace

MobileNetClassifier::MobileNetClassifier(const ArchitectureSpec& spec) {
  const int w = std::max(8, spec.width);
  const bool small = spec.inputSize < 64;
  // (expansion, channels as a multiple of w/2, repeats, stride) following MobileNetV2's table;
  // the first two strides are dropped for small inputs.
  struct Stage {
    int t, c, n, s;
  };
  const Stage stages[] = {{1, w / 2, 1, 1}, {6, w * 3 / 4, 2, small ? 1 : 2},
                          {6, w, 3, 2},     {6, w * 2, 4, 2},
                          {6, w * 3, 3, 1}, {6, w * 5, 3, 2}};
  torch::nn::Sequential trunk;
  trunk->push_back(ConvBnRelu6(spec.inputChannels, w, 3, small ? 1 : 2, 1));
  int in = w;
  for (const auto& st : stages) {
    for (int i = 0; i < st.n; ++i) {
      trunk->push_back(InvertedResidual(in, st.c, i == 0 ? st.s : 1, st.t));
      in = st.c;
    }
  }
  const int last = w * 8;
  trunk->push_back(ConvBnRelu6(in, last, 1, 1, 1));
  trunk_ = register_module("trunk", trunk);
  dropout_ = register_module("dropout", torch::nn::Dropout(spec.dropout));
  fc_ = register_module("fc", torch::nn::Linear(last, spec.outputs));
  for (auto& m : modules(false)) {
    if (auto* conv = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    }
  }
}

torch::Tensor MobileNetClassifier::features(torch::Tensor x) {
  return trunk_->forward(x);
}

torch::Tensor MobileNetClassifier::head(torch::Tensor f) {
  return fc_->forward(dropout_->forward(torch::adaptive_avg_pool2d(f, {1, 1}).flatten(1)));
}

}  // namespace medsight

#include "models/ResNetClassifier.h"

namespace medsight {
namespace {

/// Two 3x3 convolutions with batch norm and an identity (or 1x1 projection) shortcut.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int in, int out, int stride) {
    conv1_ = register_module(
        "conv1", torch::nn::Conv2d(
                     torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1_ = register_module("bn1", torch::nn::BatchNorm2d(out));
    conv2_ = register_module(
        "conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2_ = register_module("bn2", torch::nn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      shortcut_ = register_module(
          "shortcut",
          torch::nn::Sequential(
              torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
              torch::nn::BatchNorm2d(out)));
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    auto y = torch::relu(bn1_->forward(conv1_->forward(x)));
    y = bn2_->forward(conv2_->forward(y));
    return torch::relu(y + (shortcut_ ? shortcut_->forward(x) : x));
  }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential shortcut_{nullptr};
};
TORCH_MODULE(BasicBlock);

torch::nn::Sequential makeStage(int in, int out, int blocks, int stride) {
  torch::nn::Sequential stage;
  stage->push_back(BasicBlock(in, out, stride));
  for (int i = 1; i < blocks; ++i) stage->push_back(BasicBlock(out, out, 1));
  return stage;
}

}  // namespace

ResNetClassifier::ResNetClassifier(const ArchitectureSpec& spec, std::vector<int> blocks) {
  const int w = spec.width;
  torch::nn::Sequential stem;
  if (spec.inputSize < 64) {
    stem->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(spec.inputChannels, w, 3).padding(1).bias(false)));
    stem->push_back(torch::nn::BatchNorm2d(w));
    stem->push_back(torch::nn::ReLU());
  } else {
    stem->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(spec.inputChannels, w, 7).stride(2).padding(3).bias(false)));
    stem->push_back(torch::nn::BatchNorm2d(w));
    stem->push_back(torch::nn::ReLU());
    stem->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
  }
  stem_ = register_module("stem", stem);
  layer1_ = register_module("layer1", makeStage(w, w, blocks[0], 1));
  layer2_ = register_module("layer2", makeStage(w, 2 * w, blocks[1], 2));
  layer3_ = register_module("layer3", makeStage(2 * w, 4 * w, blocks[2], 2));
  layer4_ = register_module("layer4", makeStage(4 * w, 8 * w, blocks[3], 2));
  dropout_ = register_module("dropout", torch::nn::Dropout(spec.dropout));
  fc_ = register_module("fc", torch::nn::Linear(8 * w, spec.outputs));
  // Kaiming initialisation for convolutions, as in the reference implementation.
  for (auto& m : modules(false)) {
    if (auto* conv = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    }
  }
}

torch::Tensor ResNetClassifier::features(torch::Tensor x) {
  x = stem_->forward(x);
  x = layer1_->forward(x);
  x = layer2_->forward(x);
  x = layer3_->forward(x);
  return layer4_->forward(x);
}

torch::Tensor ResNetClassifier::head(torch::Tensor f) {
  auto pooled = torch::adaptive_avg_pool2d(f, {1, 1}).flatten(1);
  return fc_->forward(dropout_->forward(pooled));
}

}  // namespace medsight

#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace medsight {

/// \brief What network to build: architecture name and the tensor shapes it must accept and
/// produce. Kept free of LibTorch so manifests can be read without it.
struct ArchitectureSpec {
  /// \brief "resnet18", "resnet34" (He et al. 2016) or "mobilenet" (MobileNetV2-style, Sandler et
  /// al. 2018, for low-cost CPU deployment).
  std::string name = "resnet18";
  int inputChannels = 1;
  /// \brief 1 for a binary task (one logit), K for K classes.
  int outputs = 1;
  /// \brief Input height/width; below 64 the stem keeps full resolution (no stride, no pooling).
  int inputSize = 28;
  /// \brief Channels of the first stage (64 in the original ResNet).
  int width = 64;
  /// \brief Dropout before the final linear layer.
  double dropout = 0.0;

  /// \brief Serialises for the manifest.
  nlohmann::json toJson() const {
    return {{"name", name},       {"input_channels", inputChannels},
            {"outputs", outputs}, {"input_size", inputSize},
            {"width", width},     {"dropout", dropout}};
  }
  /// \brief Parses (missing keys keep defaults).
  static ArchitectureSpec fromJson(const nlohmann::json& j) {
    ArchitectureSpec s;
    s.name = j.value("name", s.name);
    s.inputChannels = j.value("input_channels", s.inputChannels);
    s.outputs = j.value("outputs", s.outputs);
    s.inputSize = j.value("input_size", s.inputSize);
    s.width = j.value("width", s.width);
    s.dropout = j.value("dropout", s.dropout);
    return s;
  }
};

}  // namespace medsight

#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace medsight {

/// \brief Shape of a U-Net (Ronneberger et al., MICCAI 2015; 3D: Çiçek et al., MICCAI 2016),
/// kept free of LibTorch so segmentation manifests can be read without it.
struct UNetSpec {
  /// \brief 2 (slices; with context slices as channels this is a "2.5D" U-Net) or 3.
  int dimensions = 2;
  /// \brief Input channels (modalities x context slices).
  int inputChannels = 1;
  /// \brief Output classes including background (2 for one structure).
  int classes = 2;
  /// \brief Feature maps of the first level; doubled at each level down.
  int baseChannels = 16;
  /// \brief Resolution levels (depth - 1 poolings); inputs must be divisible by 2^(depth-1).
  int depth = 4;
  /// \brief "instance" (nnU-Net's choice for small batches) or "batch".
  std::string normalization = "instance";
  /// \brief Dropout probability in the bottleneck.
  double dropout = 0.0;

  /// \brief Serialises for manifests.
  nlohmann::json toJson() const {
    return {{"dimensions", dimensions}, {"input_channels", inputChannels},
            {"classes", classes},       {"base_channels", baseChannels},
            {"depth", depth},           {"normalization", normalization},
            {"dropout", dropout}};
  }
  /// \brief Parses (missing keys keep defaults); validate() checks ranges.
  static UNetSpec fromJson(const nlohmann::json& j) {
    UNetSpec s;
    s.dimensions = j.value("dimensions", s.dimensions);
    s.inputChannels = j.value("input_channels", s.inputChannels);
    s.classes = j.value("classes", s.classes);
    s.baseChannels = j.value("base_channels", s.baseChannels);
    s.depth = j.value("depth", s.depth);
    s.normalization = j.value("normalization", s.normalization);
    s.dropout = j.value("dropout", s.dropout);
    return s;
  }
  /// \brief Smallest input extent divisor (2^(depth-1)).
  int sizeDivisor() const { return 1 << (depth - 1); }
};

}  // namespace medsight

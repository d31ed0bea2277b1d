#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace medsight {

/// \brief How an image becomes a network input; stored in the model manifest so prediction
/// replays exactly what training did.
struct PreprocessingSpec {
  int height = 28;
  int width = 28;
  /// \brief 1 (grey; colour is converted by ITU-R BT.601 luma) or 3 (grey is replicated).
  int channels = 1;
  /// \brief "stretch" (resize to height x width) or "pad_square" (pad the short side with
  /// black, then resize: keeps the aspect ratio of mixed-size images).
  std::string resize = "stretch";
  /// \brief Mapping to [0, 1]: "unit" (divide by the type's maximum for uint8/uint16, min-max
  /// otherwise), "percentile" (clip to [lowPercentile, highPercentile] then rescale), "window"
  /// (a CT/MR window, see windowCenter/windowWidth).
  std::string intensity = "unit";
  double lowPercentile = 0.5;
  double highPercentile = 99.5;
  double windowCenter = 40.0;
  double windowWidth = 400.0;
  /// \brief After the [0, 1] mapping and augmentation: (x - mean) / std.
  double mean = 0.5;
  double std = 0.5;

  /// \brief Serialises for the manifest.
  nlohmann::json toJson() const;
  /// \brief Parses; throws InvalidConfiguration naming the bad field.
  static PreprocessingSpec fromJson(const nlohmann::json& j);
};

/// \brief Random training-time augmentation (applied to [0, 1] tensors before normalisation).
struct AugmentationSpec {
  double rotationDegrees = 0.0;
  double scaleMin = 1.0;
  double scaleMax = 1.0;
  /// \brief Maximum shift as a fraction of the image size.
  double translate = 0.0;
  /// \brief Left-right flips: only where anatomy allows (never for chest X-rays: situs).
  bool horizontalFlip = false;
  double brightness = 0.0;  ///< additive, +-
  double contrast = 0.0;    ///< multiplicative around the mean, 1 +- contrast
  double gamma = 0.0;       ///< exponent exp(+-gamma)
  double noiseStd = 0.0;    ///< Gaussian noise

  /// \brief True if any augmentation is enabled.
  bool enabled() const;
  nlohmann::json toJson() const;
  static AugmentationSpec fromJson(const nlohmann::json& j);
};

}  // namespace medsight

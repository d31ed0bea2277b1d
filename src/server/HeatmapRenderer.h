#pragma once

#include <optional>
#include <string>

#include "core/Image.h"

namespace medsight {

class ImageClassifier;

/// \brief Grad-CAM heatmaps for results, from src/explain when that module is part of the
/// build (ImageExplainer + HeatmapOverlay); otherwise available() is false and results carry no
/// heatmap (the hook stays in one place).
class HeatmapRenderer {
 public:
  /// \brief True when the explanation module is built in.
  static bool available();
  /// \brief The image with the Grad-CAM evidence for the positive label drawn over it (RGB,
  /// same grid), or nothing when unavailable. `description` receives what was computed.
  static std::optional<Image> gradCamOverlay(const ImageClassifier& classifier, const Image& image,
                                             std::string& description);
};

}  // namespace medsight

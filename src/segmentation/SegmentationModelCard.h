#pragma once

#include <filesystem>
#include <string>

#include "segmentation/SegmentationModelManifest.h"

namespace medsight {

/// \brief Writes a segmentation package's model card (Mitchell et al., "Model Cards for Model
/// Reporting", FAT* 2019): intended use, data, network, preprocessing, the cross-validation
/// protocol with every patient's metrics, limitations and the command that reproduces it.
/// Free text (intended use, limitations) comes from the training config's "card" object.
class SegmentationModelCard {
 public:
  /// \brief The card as Markdown.
  static std::string render(const SegmentationModelManifest& manifest);
  /// \brief Renders and writes atomically.
  static void write(const SegmentationModelManifest& manifest, const std::filesystem::path& path);
};

}  // namespace medsight

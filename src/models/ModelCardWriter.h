#pragma once

#include <string>

#include "models/ModelManifest.h"

namespace medsight {

/// \brief Renders a model card (Mitchell et al., FAT* 2019) in Markdown from a model's
/// manifest: intended use and limitations (from the training config's "card" section), data
/// and split, validation metrics with confidence intervals, calibration and operating point,
/// the files with their SHA-256, and the command that reproduces the model.
class ModelCardWriter {
 public:
  /// \brief The card as Markdown.
  /// `card` overrides the "card" section recorded with the training config when not null.
  static std::string render(const ModelManifest& manifest,
                            const nlohmann::json& card = nlohmann::json());
};

}  // namespace medsight

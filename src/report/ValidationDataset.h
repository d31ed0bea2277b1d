#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/LabeledImageSet.h"
#include "models/TrainingImageFingerprints.h"

namespace medsight {

struct ModelManifest;

/// \brief How the validated data relates to the model's own training run.
enum class DataRole {
  Training,        ///< data the weights were fitted on: says nothing about new patients
  ModelSelection,  ///< the validation split used for early stopping, temperature and threshold
  Independent,     ///< not used in training or model selection (e.g. a held-out test split)
  Overlapping,     ///< some images, not all, are ones the model was trained or selected on
  Unknown          ///< the manifest does not say where the model's data came from
};

/// \brief Labelled images to validate a model on, with where they came from, their content
/// hash and their role for this model (so a report never calls validation data a test).
struct ValidationDataset {
  LabeledImageSet set;
  std::filesystem::path path;
  std::string split;  ///< npz split, "" for a labels CSV
  std::string hash;   ///< LabeledImageSet::contentHash()
  DataRole role = DataRole::Unknown;
  std::string roleTitle;  ///< e.g. "Validation split used for model selection"
  std::string roleNote;   ///< what that means for the figures
  /// \brief Images found among the model's training images, when its package records them.
  std::optional<TrainingOverlap> overlap;

  /// \brief Loads an npz split (default: "test" if present, else "val") or a labels CSV and
  /// checks it against the model: labels within the model's label set (LabelMismatch), both
  /// labels present (LabelMismatch), not empty (EmptyInput).
  /// With the package's `fingerprints`, the role is also decided image by image, so a new file
  /// that repeats training images is not taken for independent data.
  static ValidationDataset load(const std::filesystem::path& data, const std::string& split,
                                const std::string& imageColumn, const std::string& labelColumn,
                                const ModelManifest& manifest, int threads,
                                const TrainingImageFingerprints* fingerprints = nullptr);
  /// \brief The role of (`data`, `split`) for a model trained as `manifest.training` records.
  static DataRole roleFor(const std::filesystem::path& data, const std::string& split,
                          const ModelManifest& manifest);
  /// \brief Description for reports.
  nlohmann::json toJson() const;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "models/LabeledImageSet.h"

namespace medsight {

struct ModelManifest;

/// \brief How the validated data relates to the model's own training run.
enum class DataRole {
  Training,        ///< data the weights were fitted on: says nothing about new patients
  ModelSelection,  ///< the validation split used for early stopping, temperature and threshold
  Independent,     ///< not used in training or model selection (e.g. a held-out test split)
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

  /// \brief Loads an npz split (default: "test" if present, else "val") or a labels CSV and
  /// checks it against the model: labels within the model's label set (LabelMismatch), both
  /// labels present (LabelMismatch), not empty (EmptyInput).
  static ValidationDataset load(const std::filesystem::path& data, const std::string& split,
                                const std::string& imageColumn, const std::string& labelColumn,
                                const ModelManifest& manifest, int threads);
  /// \brief The role of (`data`, `split`) for a model trained as `manifest.training` records.
  static DataRole roleFor(const std::filesystem::path& data, const std::string& split,
                          const ModelManifest& manifest);
  /// \brief Description for reports.
  nlohmann::json toJson() const;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "models/ModelManifest.h"
#include "models/TrainingConfig.h"

namespace medsight {

/// \brief Trains a binary image classifier from a TrainingConfig and writes a model package:
/// AdamW with a warm-up + cosine learning-rate schedule, class-balanced loss, augmentation,
/// early stopping and checkpoint selection on validation AUC, ensembles over seeds (npz data)
/// or cross-validation folds (CSV data), temperature calibration and an operating threshold
/// chosen by the configured rule. Deterministic for a seed; resumable per epoch.
class ModelTrainer {
 public:
  /// \brief `commandLine` is recorded in the manifest; `threads` = LibTorch threads (0 = all).
  ModelTrainer(TrainingConfig config, std::filesystem::path outputFolder, int threads,
               std::string commandLine);
  /// \brief Runs training; with `resume`, continues from checkpoints in the output folder.
  /// Returns the written manifest.
  ModelManifest run(bool resume = false);

 private:
  TrainingConfig config_;
  std::filesystem::path output_;
  int threads_;
  std::string commandLine_;
};

}  // namespace medsight

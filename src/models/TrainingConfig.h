#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/ArchitectureSpec.h"
#include "models/PreprocessingSpec.h"

namespace medsight {

/// \brief Everything `medsight train --config FILE` needs, parsed from JSON with every field
/// checked. Dataset paths that are not absolute are looked up in the shared datasets folder
/// ($MEDSIGHT_DATA or ../shared/datasets), then next to the config file.
struct TrainingConfig {
  std::string name;
  std::string version = "1.0.0";
  std::string description;
  std::vector<std::string> labels;  ///< class names, index = label value

  // Data
  std::string dataFormat = "npz";  ///< "npz" (MedMNIST splits) or "csv" (labels CSV)
  std::filesystem::path dataPath;
  std::string trainSplit = "train";
  std::string valSplit = "val";
  std::string imageColumn = "image";
  std::string labelColumn = "label";
  /// \brief For CSV data: k-fold cross-validation (one ensemble member per fold, each validated
  /// on its own held-out fold; out-of-fold predictions give the validation metrics).
  int crossValidationFolds = 5;
  /// \brief Use only the first N images of each split (0 = all): quick smoke runs.
  std::size_t trainLimit = 0;
  std::size_t valLimit = 0;
  std::uint64_t splitSeed = 1;

  ArchitectureSpec architecture;
  PreprocessingSpec preprocessing;
  AugmentationSpec augmentation;

  // Optimisation
  int epochs = 30;
  int batchSize = 128;
  double learningRate = 1e-3;
  double weightDecay = 1e-4;
  double warmupEpochs = 1.0;
  int patience = 8;  ///< epochs without a better validation AUC before stopping
  std::uint64_t seed = 42;
  int members = 1;                          ///< ensemble size for npz data (different seeds)
  std::string classWeighting = "balanced";  ///< "balanced" or "none"

  // Deployment
  bool testTimeAugmentation = false;
  /// \brief "balanced" (0.5 on calibrated probabilities of a class-balanced model: robust to a
  /// different prevalence), "youden" (maximises sensitivity + specificity on validation), or
  /// "sensitivity:0.95" (highest threshold reaching that sensitivity on validation).
  std::string operatingPoint = "balanced";
  bool calibrate = true;  ///< fit a temperature on validation logits
  std::vector<std::string> acceptedModalities;

  nlohmann::json raw;  ///< the config as given (recorded in the manifest)
  std::filesystem::path configPath;

  /// \brief Reads and validates a config file; throws InvalidConfiguration or BadJson.
  static TrainingConfig fromFile(const std::filesystem::path& path);
  /// \brief Validates a parsed config (used by fromFile and tests).
  static TrainingConfig fromJson(const nlohmann::json& j, const std::filesystem::path& origin);
};

}  // namespace medsight

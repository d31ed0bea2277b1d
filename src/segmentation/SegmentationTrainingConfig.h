#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "models/UNetSpec.h"
#include "segmentation/AuxiliaryChannel.h"
#include "segmentation/SlidingWindowSettings.h"
#include "segmentation/TumourPatchSampler.h"

namespace medsight {

/// \brief Everything that defines a segmentation model and how it is trained and
/// cross-validated, read from one JSON file (`medsight segment-train --config`).
///
/// ```json
/// {"name": "sts-mr-t1-unet",
///  "data": {"root": "sts/nifti", "image": "MR_T1_image.nii.gz",
///           "mask": "MR_T1_mask.nii.gz", "modality": "MR"},
///  "preprocessing": {"steps": [{"step": "resample", "spacing": [2, 2, 3.27]},
///                              {"step": "zscore", "clip_low": 0.5, "clip_high": 99.5}]},
///  "network": {"dimensions": 2, "base_channels": 16, "depth": 4},
///  "inference": {"patch_size": [64, 64, 1], "context_slices": 1, "overlap": 0.5},
///  "training": {"iterations": 2000, "batch_size": 16, "learning_rate": 0.002, "seed": 7},
///  "cross_validation": {"folds": 5, "seed": 20240611}}
/// ```
/// `data.root` is looked up under the shared data root first (DatasetLocator), then relative
/// to the config file. `preprocessing` may instead name a plan file (`"plan": "plan.json"`, from
/// `medsight plan`).
struct SegmentationTrainingConfig {
  std::string name;
  std::string description;
  std::filesystem::path dataRoot;
  std::string imageFile = "image.nii.gz";
  std::string maskFile = "mask.nii.gz";
  /// \brief Modality images must have at prediction time ("" = any).
  std::string modality;
  /// \brief Further co-registered images of each case fed as input channels
  /// (`data.auxiliary`, e.g. `[{"name": "PET", "file": "PET_image.nii.gz"}]`).
  std::vector<AuxiliaryChannel> auxiliary;
  /// \brief Pipeline JSON (format medsight-preprocess/1) replayed on every image.
  nlohmann::json preprocessing;
  UNetSpec network;
  SlidingWindowSettings inference;
  // Training
  int iterations = 2000;
  int batchSize = 16;
  double learningRate = 2e-3;
  double weightDecay = 1e-4;
  int warmupIterations = 100;
  double foregroundFraction = 0.5;
  double diceWeight = 1.0;
  PatchAugmentation augmentation;
  // Cross-validation
  int folds = 5;
  /// \brief `cross_validation.seed`: which patients go to which fold.
  std::uint64_t seed = 20240611;
  /// \brief `training.seed`: fold k's network initialisation, patch sampling and augmentation
  /// use `trainingSeed + k`. Defaults to `seed`; another value trains other networks on the
  /// same folds (a seed ensemble, joined with `segment-ensemble`).
  std::uint64_t trainingSeed = 20240611;
  /// \brief The JSON as read (recorded in the manifest).
  nlohmann::json source;

  /// \brief Parses and validates; paths are resolved against `baseFolder`.
  static SegmentationTrainingConfig fromJson(const nlohmann::json& j, const std::string& context,
                                             const std::filesystem::path& baseFolder);
  /// \brief Reads a config file (FileNotFound, BadJson, InvalidConfiguration).
  static SegmentationTrainingConfig fromFile(const std::filesystem::path& path);
};

}  // namespace medsight

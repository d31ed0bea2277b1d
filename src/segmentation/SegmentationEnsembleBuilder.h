#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "segmentation/SegmentationModelManifest.h"

namespace medsight {

/// \brief Joins segmentation packages trained on the same patients and folds (e.g. a 2.5D and
/// a 3D recipe, each from `segment-train`) into one package whose probability is the mean of
/// theirs, and measures that ensemble by the same patient-level cross-validation: each patient
/// is segmented by the fold networks of every package that never saw them. This is nnU-Net's
/// choice between its configurations and their ensemble, made on cross-validation results.
/// A package that is itself an ensemble counts as its parts, and parts can be left out by
/// recipe name, so one part of a shipped ensemble can be swapped for a retrained one without
/// keeping the training folders of the others.
class SegmentationEnsembleBuilder {
 public:
  /// \brief `packages[0]` (its first part, if an ensemble) is the primary configuration: its
  /// threshold, largest-component rule, model card text and limitations carry over. Parts whose
  /// recipe name is in `leaveOut` are dropped (InvalidArgument for a name no part has).
  SegmentationEnsembleBuilder(std::vector<std::filesystem::path> packages,
                              std::filesystem::path output, int threads, std::string commandLine,
                              std::vector<std::string> leaveOut = {});
  /// \brief Checks the packages fit together (same preprocessing, modality, patients and folds;
  /// InvalidArgument naming the difference otherwise), copies their weights, cross-validates
  /// the ensemble, writes manifest.json and MODEL_CARD.md, and returns the manifest.
  SegmentationModelManifest build(const std::string& name, const std::string& description);

 private:
  std::vector<std::filesystem::path> packages_;
  std::filesystem::path output_;
  int threads_;
  std::string commandLine_;
  std::vector<std::string> leaveOut_;
};

}  // namespace medsight

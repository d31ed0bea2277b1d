#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "preprocess/MaskComparison.h"
#include "segmentation/SegmentationModelManifest.h"
#include "segmentation/SegmentationTrainingConfig.h"

namespace medsight {

/// \brief Patient-level k-fold cross-validation of a segmentation recipe, and the model
/// package it leaves: fold k's network is trained on the other folds' patients only and
/// measured on fold k's patients on their original grids (Dice, HD95, volume error after the
/// full inference path: preprocessing, sliding window, resampling back, threshold, largest
/// component). The k fold networks are then shipped together as an averaging ensemble; the
/// cross-validated metrics estimate how the recipe does on unseen patients. Finished folds
/// are kept, so an interrupted run resumes.
class SegmentationCrossValidation {
 public:
  SegmentationCrossValidation(SegmentationTrainingConfig config, std::filesystem::path output,
                              int threads, std::string commandLine);
  /// \brief Runs every fold not yet finished, writes the package (weights, manifest.json,
  /// MODEL_CARD.md, cv/ details) and returns its manifest. `onlyFold` >= 0 runs one fold and
  /// stops (no package) — for spreading the work over several sessions.
  SegmentationModelManifest run(int onlyFold = -1);
  /// \brief Fold of each id: ids shuffled with `seed`, dealt round-robin (sizes differ by <= 1).
  static std::vector<int> assignFolds(const std::vector<std::string>& ids, int folds,
                                      std::uint64_t seed);
  /// \brief One patient's row of the validation record (Dice, HD95, surface distance, volumes).
  static nlohmann::json patientMetrics(const std::string& id, const MaskAgreement& agreement,
                                       double seconds);
  /// \brief The validation record of a package from its per-patient rows (each with its
  /// "fold"): protocol, mean summaries with bootstrap CIs (seeded) and empty predictions.
  static nlohmann::json validationRecord(const nlohmann::json& perPatient, std::size_t patients,
                                         const std::string& protocol, std::uint64_t seed);

 private:
  SegmentationTrainingConfig config_;
  std::filesystem::path output_;
  int threads_;
  std::string commandLine_;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/BinaryEvaluation.h"
#include "eval/ReliabilityCurve.h"
#include "explain/Explanation.h"
#include "explain/ExplanationSanityCheck.h"
#include "models/ModelManifest.h"
#include "report/RecalibrationCheck.h"
#include "report/SubgroupAnalysis.h"
#include "report/ThresholdTable.h"

namespace medsight {

class ImageClassifier;
struct ValidationDataset;

/// \brief How much to compute for a validation.
struct ValidationOptions {
  BootstrapOptions bootstrap;
  int calibrationBins = 10;
  /// \brief Most confident false positives and false negatives shown (each).
  std::size_t galleryPerKind = 6;
  ExplanationMethod galleryMethod = ExplanationMethod::GradCam;
  /// \brief Also estimate what refitting the temperature on this data would change.
  bool recalibrate = false;
  /// \brief Images for the explanation sanity checks (0 = skip them).
  std::size_t sanitySamples = 0;
  std::vector<ExplanationMethod> sanityMethods{ExplanationMethod::GradCam,
                                               ExplanationMethod::IntegratedGradients};
  /// \brief Where gallery PNGs are written (a `gallery` folder is created inside).
  std::filesystem::path outputFolder;
};

/// \brief One gallery entry: a confidently wrong prediction with its explanation.
struct GalleryItem {
  std::string id;
  std::string kind;  ///< "false positive" or "false negative"
  int label = 0;
  double probability = 0.0;  ///< calibrated probability of the positive label
  std::string explainedLabel;
  std::filesystem::path imagePng, overlayPng;
};

/// \brief Everything a validation report shows for one model on one data set.
struct ModelValidation {
  std::filesystem::path modelFolder;
  ModelManifest manifest;
  std::vector<std::string> ids;
  std::vector<int> labels;
  std::vector<double> probabilities;  ///< calibrated, as `predict` reports them
  std::vector<double> uncalibrated;   ///< before temperature scaling
  std::vector<double> logits;
  double threshold = 0.5;
  BinaryEvaluation evaluation;
  std::vector<CurvePoint> roc, pr;
  ReliabilityCurve calibration, calibrationBefore;
  double brier = 0.0, brierBefore = 0.0;
  std::vector<ThresholdRow> thresholds;
  std::vector<std::string> subgroupColumns;
  std::vector<SubgroupRow> subgroups;
  std::vector<GalleryItem> gallery;
  std::optional<RecalibrationCheck> recalibration;
  std::optional<SanityCheckReport> sanity;
  double predictSeconds = 0.0;

  /// \brief Predicts every image and computes the figures; `slug` prefixes gallery files.
  static ModelValidation run(const ImageClassifier& classifier, const ValidationDataset& data,
                             const ValidationOptions& options, const std::string& slug);
  /// \brief All figures as JSON (curves included, per-image scores excluded).
  nlohmann::json toJson() const;
};

}  // namespace medsight

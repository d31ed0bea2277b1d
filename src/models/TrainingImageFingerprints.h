#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

struct LabeledImageSet;
struct ModelManifest;
struct TrainingDataSets;

/// \brief Which images of a set a model has seen, found by pixel content.
struct TrainingOverlap {
  std::size_t fitted = 0;     ///< images identical to ones the weights were fitted on
  std::size_t selection = 0;  ///< identical to ones of the model-selection split (not fitted)
  std::vector<std::string> fittedIds, selectionIds;  ///< their ids in the examined set
  /// \brief True when no image was seen.
  bool none() const { return fitted == 0 && selection == 0; }
};

/// \brief A fingerprint of every image a classifier was trained on (fitted) and selected on
/// (early stopping, calibration, threshold), kept in its package, so that a validation set
/// can be checked image by image: a data set's name and hash only recognise the training file
/// itself, not a new labels CSV that lists some of its images again.
///
/// A fingerprint is the first 64 bits of the SHA-256 of an image's size and decoded pixels, so
/// a PNG copy of an NPZ image matches while the file names, formats and ids need not.
class TrainingImageFingerprints {
 public:
  /// \brief File name inside the package.
  static constexpr const char* kFile = "training_images.txt";

  /// \brief One image's fingerprint (16 hex digits).
  static std::string of(const Image& image);
  /// \brief Fingerprints of the images training fitted on and selected on.
  static TrainingImageFingerprints fromTrainingData(const TrainingDataSets& data);
  /// \brief Writes `folder/training_images.txt` atomically and returns the manifest entry
  /// (`training.image_fingerprints`: file, sha256 and counts).
  nlohmann::json write(const std::filesystem::path& folder) const;
  /// \brief The package's fingerprints when its manifest lists them (nullopt for packages
  /// trained before they were recorded); ModelInvalid when listed but missing or malformed,
  /// ModelTampered when the file's SHA-256 differs from the manifest's.
  static std::optional<TrainingImageFingerprints> read(const std::filesystem::path& folder,
                                                       const ModelManifest& manifest);
  /// \brief Which images of `set` were fitted on or selected on.
  TrainingOverlap overlapWith(const LabeledImageSet& set) const;
  /// \brief Number of distinct fitted and selection fingerprints.
  std::size_t fittedCount() const { return fitted_.size(); }
  std::size_t selectionCount() const { return selection_.size(); }

 private:
  std::set<std::string> fitted_, selection_;
};

}  // namespace medsight

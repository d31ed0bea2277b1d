#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "classical/ClassicalModel.h"

namespace medsight {

/// \brief Descriptive content of a package besides the model itself.
struct PackageInfo {
  std::string name;
  std::string description;
  std::string negative, positive;  ///< class names; the probability is of `positive`
  double threshold = 0.5;          ///< operating threshold on the calibrated probability
  std::string thresholdRule = "0.5 on the calibrated probability";
  nlohmann::json training = nlohmann::json::object();
  nlohmann::json validation = nlohmann::json::object();
  nlohmann::json importance = nlohmann::json::object();
  std::vector<std::string> rules;  ///< decision-tree rules, if any
};

/// \brief A loaded, verified package.
struct LoadedPackage {
  ClassicalModel model;
  PackageInfo info;
  nlohmann::json manifest;
};

/// \brief The on-disk form of a classical model, following the deep-learning engine's package
/// convention: a folder with `manifest.json` (format, name, task, labels, calibration and
/// operating point, training and validation records, and every member file with its SHA-256)
/// plus the member files: `model.json` (structure, class names, threshold), per pipeline a
/// feature transform and the learner's own model file (LIBSVM, LIBLINEAR, XGBoost JSON or the
/// exported tree). Loading re-hashes every member and refuses a package that does not match.
class ClassicalModelPackage {
 public:
  static constexpr const char* kFormat = "medsight-classical-model/1";
  /// \brief Writes the package to `folder`: into a sibling temporary folder first, then swapped
  /// in, so an existing package is only replaced by a complete one.
  static void write(const std::filesystem::path& folder, const ClassicalModel& model,
                    const PackageInfo& info);
  /// \brief Reads and verifies a package. Throws ModelInvalid (missing or malformed) or
  /// ModelTampered (a member's SHA-256 differs from the manifest).
  static LoadedPackage read(const std::filesystem::path& folder);
};

}  // namespace medsight

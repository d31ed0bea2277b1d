#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/ArchitectureSpec.h"
#include "models/PreprocessingSpec.h"

namespace medsight {

/// \brief One trained network of a (possibly ensembled) model package.
struct ModelMember {
  std::string file;    ///< weights file, relative to the package folder
  std::string sha256;  ///< checked before loading
  std::uint64_t seed = 0;
  double validationAuc = 0.0;
  int bestEpoch = 0;
};

/// \brief The JSON manifest of a model package (`manifest.json`): what the model is, how its
/// inputs are prepared, which weights belong to it (with hashes), how it was trained and
/// validated, and which inputs it accepts.
struct ModelManifest {
  static constexpr const char* kFormat = "medsight-model/1";
  std::string name;
  std::string version = "1.0.0";
  std::string description;
  std::string task = "binary";
  std::vector<std::string> labels;  ///< label names by class index; [1] is "positive" (binary)
  ArchitectureSpec architecture;
  PreprocessingSpec preprocessing;
  std::vector<ModelMember> members;
  bool testTimeAugmentation = false;
  bool allowFlip = false;
  double temperature = 1.0;  ///< logits are divided by this before the sigmoid (calibration)
  double threshold = 0.5;    ///< operating threshold on the calibrated probability
  std::string thresholdRule;
  /// \brief Modalities the model accepts (input quality gate); empty = any.
  std::vector<std::string> acceptedModalities;
  std::string gradcamLayer;
  nlohmann::json training = nlohmann::json::object();
  nlohmann::json validation = nlohmann::json::object();

  nlohmann::json toJson() const;
  static ModelManifest fromJson(const nlohmann::json& j, const std::string& context);
  /// \brief Reads `folder/manifest.json`; throws ModelInvalid if absent or malformed.
  static ModelManifest read(const std::filesystem::path& folder);
  /// \brief Writes `folder/manifest.json` atomically.
  void write(const std::filesystem::path& folder) const;
  /// \brief Checks every member file's SHA-256; throws ModelInvalid (missing) or ModelTampered.
  void verify(const std::filesystem::path& folder) const;
  /// \brief SHA-256 over the members' hashes: one identifier of the weights (audit records).
  std::string weightsHash() const;
};

}  // namespace medsight

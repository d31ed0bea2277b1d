#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace medsight {

/// \brief The on-disk side of every model package (classifier or segmentation): reading its
/// `manifest.json` and checking each weights file against the SHA-256 the manifest records,
/// so a tampered or missing file is refused before any weights are deserialised.
class ModelPackageFiles {
 public:
  /// \brief Parsed `folder/manifest.json`; ModelInvalid when absent or not JSON.
  static nlohmann::json readManifest(const std::filesystem::path& folder);
  /// \brief Throws ModelInvalid when `folder/file` is missing, ModelTampered when its SHA-256
  /// differs from `expectedSha256`.
  static void verifyFile(const std::filesystem::path& folder, const std::string& file,
                         const std::string& expectedSha256);
};

}  // namespace medsight

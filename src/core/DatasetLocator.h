#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace medsight {

/// \brief Finds the shared real-data folder: `$MEDSIGHT_DATA` if set, otherwise
/// `../shared/datasets` next to the source checkout or the current directory.
class DatasetLocator {
 public:
  /// \brief The data root, or nothing when no candidate folder exists.
  static std::optional<std::filesystem::path> root();
  /// \brief `root()/relative` if it exists, or nothing.
  static std::optional<std::filesystem::path> find(const std::string& relative);
  /// \brief Human-readable list of the places searched (for skip and error messages).
  static std::string searchedPlaces();
};

}  // namespace medsight

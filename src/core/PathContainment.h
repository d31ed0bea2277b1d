#pragma once

#include <filesystem>

namespace medsight {

/// \brief Whether one path lies inside a folder, compared component by component (so
/// `/data/ct2` is not inside `/data/ct`). Callers pass canonical paths: this class does not
/// touch the file system.
class PathContainment {
 public:
  /// \brief `inner` is `outer` itself or lies anywhere below it.
  static bool isWithin(const std::filesystem::path& inner, const std::filesystem::path& outer);
  /// \brief `inner` lies below `outer` and is not `outer` itself.
  static bool isStrictlyInside(const std::filesystem::path& inner,
                               const std::filesystem::path& outer);
};

}  // namespace medsight

#pragma once

#include <filesystem>

namespace medsight {

/// \brief Whether one path lies inside a folder, compared component by component (so
/// `/data/ct2` is not inside `/data/ct`). The two tests compare the paths they are given without
/// touching the file system: pass them through canonical() first.
class PathContainment {
 public:
  /// \brief Absolute form with symbolic links of its existing part resolved and no trailing
  /// separator (`dir/` and `dir` name one folder); lexically normalised when the file system
  /// cannot be asked.
  static std::filesystem::path canonical(const std::filesystem::path& path);
  /// \brief `inner` is `outer` itself or lies anywhere below it.
  static bool isWithin(const std::filesystem::path& inner, const std::filesystem::path& outer);
  /// \brief `inner` lies below `outer` and is not `outer` itself.
  static bool isStrictlyInside(const std::filesystem::path& inner,
                               const std::filesystem::path& outer);
};

}  // namespace medsight

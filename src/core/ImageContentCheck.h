#pragma once

#include <string>

#include "core/Image.h"

namespace medsight {

/// \brief Checks of an input image's sample values made where a command reads it, so that a NaN
/// voxel or a blank image is refused by name instead of aborting inside ITK's optimisers or
/// giving an empty result that looks like a finding.
class ImageContentCheck {
 public:
  /// \brief Number of samples that are NaN or infinite (0 for integer pixel types).
  static std::size_t nonFiniteCount(const Image& image);
  /// \brief Throws CorruptData naming `what` and the count when any sample is NaN or infinite.
  static void requireFinite(const Image& image, const std::string& what);
  /// \brief Throws EmptyInput naming `what` when every sample has one value; `consequence` says
  /// why that cannot be used (e.g. "there is nothing to register").
  static void requireVarying(const Image& image, const std::string& what,
                             const std::string& consequence);
  /// \brief Number of distinct sample values, counted up to `limit` (then `limit` + 1): a
  /// label mask has a handful, an acquired image thousands.
  static std::size_t distinctValues(const Image& image, std::size_t limit);
};

}  // namespace medsight

#pragma once

#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief Connected components of a binary mask (face, edge and corner neighbours:
/// itk::ConnectedComponentImageFilter with full connectivity) and selection of the largest.
class LargestComponentSelector {
 public:
  /// \brief A UInt8 mask keeping only the `count` largest components (by voxel count) of the
  /// non-zero voxels of `mask`; same grid. An empty mask stays empty.
  static Image keep(const Image& mask, int count = 1);
  /// \brief Voxel counts of all components, largest first.
  static std::vector<std::size_t> componentSizes(const Image& mask);
};

}  // namespace medsight

#pragma once

#include <array>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief A closed polygon on one slice, in patient coordinates (mm).
struct SliceContour {
  std::size_t slice = 0;
  std::vector<std::array<double, 3>> points;
};

/// \brief Traces the outlines of a mask slice by slice along voxel edges (the outline a
/// treatment-planning system draws around voxels), one closed polygon per boundary loop:
/// outer boundaries and holes alike, so the even-odd rule of ContourRasterizer gives the mask
/// back exactly. Voxels touching only at a corner get separate loops.
class MaskContourTracer {
 public:
  /// \brief Polygons of every slice, collinear vertices removed.
  static std::vector<SliceContour> trace(const Image& mask);
};

}  // namespace medsight

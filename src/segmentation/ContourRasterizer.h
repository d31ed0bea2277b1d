#pragma once

#include <cstddef>

#include "core/Image.h"
#include "segmentation/RtStructureSet.h"

namespace medsight {

/// \brief What happened to an ROI's contours during rasterisation.
struct RasterizationReport {
  std::size_t contoursUsed = 0;
  std::size_t contoursOffSlice = 0;  ///< not within a quarter slice of any slice plane
  std::size_t contoursOutside = 0;   ///< planes beyond the first or last slice
  /// \brief On a slice plane, but wholly beside the image's rows and columns.
  std::size_t contoursBesideImage = 0;
  std::size_t contoursNotClosed = 0;  ///< POINT / OPEN_* contours (no inside to fill)
};

/// \brief Converts RTSTRUCT contours to a voxel mask on a reference image grid: each closed
/// planar contour is mapped into the grid's index space and assigned to its slice; a voxel is
/// inside when its centre is inside an odd number of that slice's polygons (even-odd rule,
/// so a contour lying inside another is a hole, as DICOM PS3.3 C.8.8.6.3 describes).
class ContourRasterizer {
 public:
  /// \brief UInt8 0/1 mask on `grid` (its size and geometry). Throws GeometryMismatch when
  /// the grid's FrameOfReferenceUID (if known) differs from the ROI's, InvalidArgument when
  /// the grid is not 3D, and EmptyInput when no contour lands on the grid.
  static Image rasterize(const RtRoi& roi, const Image& grid,
                         RasterizationReport* report = nullptr);
};

}  // namespace medsight

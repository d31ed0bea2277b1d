#pragma once

#include <vector>

#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief Connected zones of equal grey level (8-connected within a slice for 2D, 26-connected
/// in 3D, as in IBSI 3.8) with their size and their distance to the ROI edge (IBSI 3.9: the
/// smallest city-block distance of a zone voxel to a voxel outside the morphological mask, the
/// grid border counting as outside; edge voxels have distance 1).
class GreyLevelZones {
 public:
  /// \brief One zone.
  struct Zone {
    int level;
    int size;
    int distance;
  };
  /// \brief Zones of slice `slice` (2D) or of the whole volume when `slice` < 0.
  static std::vector<Zone> find(const DiscretisedRoi& roi, long slice);
  /// \brief Number of intensity-mask voxels in slice `slice` (or the volume when < 0).
  static double voxelCount(const DiscretisedRoi& roi, long slice);
};

}  // namespace medsight

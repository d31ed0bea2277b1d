#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.2 local intensity features: the local intensity peak (mean intensity in a
/// 1 cm^3 sphere, radius 6.2 mm, around the ROI's brightest voxel) and the global intensity
/// peak (the largest such sphere mean over all ROI voxels). Sphere means use every image voxel
/// in the sphere, inside or outside the ROI.
class LocalIntensityFeatures {
 public:
  /// \brief Appends both peaks.
  static void compute(const RoiVolume& roi, RadiomicFeatureSet& out);
};

}  // namespace medsight

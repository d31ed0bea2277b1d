#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.11 neighbouring grey level dependence matrix features (17) at Chebyshev
/// distance 1 with coarseness parameter alpha: the dependence count of a voxel is 1 plus its
/// ROI neighbours whose grey level differs by at most alpha; 2D, 2.5D and 3D.
class NeighbouringGreyLevelDependenceFeatures {
 public:
  /// \brief Appends the features for the aggregation methods enabled in `settings`.
  static void compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                      RadiomicFeatureSet& out);
};

}  // namespace medsight

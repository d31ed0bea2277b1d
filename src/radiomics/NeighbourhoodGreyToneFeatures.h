#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.10 neighbourhood grey tone difference matrix features (coarseness, contrast,
/// busyness, complexity, strength) at Chebyshev distance 1, neighbours inside the ROI only and
/// voxels without any such neighbour left out; 2D (per slice, averaged), 2.5D and 3D.
class NeighbourhoodGreyToneFeatures {
 public:
  /// \brief Appends the features for the aggregation methods enabled in `settings`.
  static void compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                      RadiomicFeatureSet& out);
};

}  // namespace medsight

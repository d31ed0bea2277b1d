#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.9 grey level distance zone matrix features (16): zones as in the GLSZM, each
/// counted at its distance to the ROI edge; 2D (per slice, averaged), 2.5D and 3D.
class DistanceZoneMatrixFeatures {
 public:
  /// \brief Appends the features for the aggregation methods enabled in `settings`.
  static void compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                      RadiomicFeatureSet& out);
};

}  // namespace medsight

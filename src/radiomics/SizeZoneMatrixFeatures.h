#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.8 grey level size zone matrix features (16) for 2D (per slice, averaged),
/// 2.5D (slices merged) and 3D.
class SizeZoneMatrixFeatures {
 public:
  /// \brief Appends the features for the aggregation methods enabled in `settings`.
  static void compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                      RadiomicFeatureSet& out);
};

}  // namespace medsight

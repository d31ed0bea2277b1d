#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.7 grey level run length matrix features (16), for the aggregation methods
/// 2D averaged / slice-merged, 2.5D direction-merged / merged and 3D averaged / merged. Runs
/// stop at the ROI edge; the run percentage of a merged matrix divides by the voxel count of
/// every matrix merged into it.
class RunLengthMatrixFeatures {
 public:
  /// \brief Appends the features for the aggregation methods enabled in `settings`.
  static void compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                      RadiomicFeatureSet& out);
};

}  // namespace medsight

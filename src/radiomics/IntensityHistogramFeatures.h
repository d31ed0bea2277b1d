#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.4 intensity-histogram features (23) on the discretised grey levels: the
/// statistics of IBSI 3.3 plus mode, entropy, uniformity and the largest and smallest
/// histogram gradients with their grey levels (empty levels 1..Ng included).
class IntensityHistogramFeatures {
 public:
  /// \brief Appends the features of the discretised ROI.
  static void compute(const DiscretisedRoi& roi, RadiomicFeatureSet& out);
};

}  // namespace medsight

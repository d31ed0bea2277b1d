#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.5 intensity-volume histogram features: volume fraction at 10% and 90%
/// intensity, intensity at 10% and 90% volume, and their differences.
class IntensityVolumeHistogramFeatures {
 public:
  /// \brief Appends the features; `settings` is the IVH discretisation (none, FBS or FBN).
  static void compute(const RoiVolume& roi, const DiscretisationSettings& settings,
                      RadiomicFeatureSet& out);
};

}  // namespace medsight

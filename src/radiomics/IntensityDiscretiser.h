#pragma once

#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief Maps ROI intensities to grey levels 1..Ng (IBSI 2.7): fixed bin number
/// X_d = floor(Ng (X - X_min) / (X_max - X_min)) + 1 (X_max goes to Ng), fixed bin size
/// X_d = floor((X - X_low) / w) + 1 anchored on the re-segmentation lower bound (the ROI
/// minimum when no range is set), or none for data that already are levels 1, 2, ...
class IntensityDiscretiser {
 public:
  /// \brief Discretises the intensity-mask voxels. Throws InvalidConfiguration when "none" is
  /// asked for non-integer or non-positive intensities, or when Ng would exceed `maxLevels`.
  static DiscretisedRoi discretise(const RoiVolume& roi, const DiscretisationSettings& settings,
                                   int maxLevels = 65536);
};

}  // namespace medsight

#pragma once

#include <array>
#include <vector>

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.6 grey level co-occurrence matrix features (25) at Chebyshev distance 1 with
/// symmetric matrices, for the aggregation methods 2D averaged / slice-merged, 2.5D
/// direction-merged / merged and 3D averaged / merged.
class CooccurrenceMatrixFeatures {
 public:
  /// \brief Number of GLCM features.
  static constexpr std::size_t kCount = 25;
  /// \brief Appends the features for the aggregation methods enabled in `settings`.
  static void compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                      RadiomicFeatureSet& out);
  /// \brief The 25 features of one dense, symmetric Ng x Ng count matrix (row-major).
  static std::array<double, kCount> features(const std::vector<double>& counts, int ng);
};

}  // namespace medsight

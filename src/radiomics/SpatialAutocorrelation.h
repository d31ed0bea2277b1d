#pragma once

#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief Moran's I and Geary's C of the ROI intensities with inverse-distance weights
/// w = 1 / |r_k - r_k'| in mm over all voxel pairs (IBSI 3.1.24 and 3.1.25), computed exactly.
///
/// The pair sums are O(N^2) when summed directly. Because voxels sit on a grid, each sum is a
/// correlation of two masked images weighted by w(offset); by symmetry of w it equals
/// sum_x a(x) (b * w)(x), so two FFT convolutions (FFTW) give all of them in O(M log M) for a
/// grid of M voxels. Small ROIs use the direct sum.
class SpatialAutocorrelation {
 public:
  /// \brief Moran's I and Geary's C.
  struct Result {
    double moransI = 0;
    double gearysC = 0;
  };
  /// \brief Both over the intensity mask, by FFT for more than `directLimit` voxels. Both are
  /// NaN for a constant ROI or a single voxel.
  static Result compute(const RoiVolume& roi, std::size_t directLimit = 2000);
  /// \brief The direct O(N^2) pair sums (reference implementation); `threads` >= 1.
  static Result computeDirect(const RoiVolume& roi, int threads);
};

}  // namespace medsight

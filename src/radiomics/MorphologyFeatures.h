#pragma once

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.1 morphological features (25): mesh volume and area, voxel-counted volume,
/// surface-to-volume ratio, compactness 1/2, spherical disproportion, sphericity, asphericity,
/// centre-of-mass shift, maximum 3D diameter, principal-axis lengths, elongation, flatness,
/// volume and area densities of the axis-aligned bounding box, the approximate enclosing
/// ellipsoid and the convex hull, integrated intensity, Moran's I and Geary's C.
///
/// Shape uses the morphological mask; intensity-weighted features use the intensity mask.
/// The oriented minimum bounding box and minimum-volume enclosing ellipsoid densities are not
/// computed: the IBSI did not reach consensus on them (no reference values).
class MorphologyFeatures {
 public:
  /// \brief Appends the features.
  static void compute(const RoiVolume& roi, RadiomicFeatureSet& out);
  /// \brief Eigenvalues of a symmetric 3x3 matrix {a00, a01, a02, a11, a12, a22}, largest first.
  static std::array<double, 3> symmetricEigenvalues(const std::array<double, 6>& a);
  /// \brief Surface area of an ellipsoid with semi-axes a >= b >= c by the Legendre series of
  /// IBSI 3.1.20 (20 terms).
  static double ellipsoidArea(double a, double b, double c);
};

}  // namespace medsight

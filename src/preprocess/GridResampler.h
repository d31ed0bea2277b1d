#pragma once

#include <array>
#include <string>

#include "core/Image.h"

namespace medsight {

/// \brief How values between voxel centres are estimated.
enum class Interpolation {
  Nearest,  ///< label masks: keeps label values
  Linear,   ///< trilinear
  BSpline,  ///< cubic B-spline (Unser 1999): sharper, may overshoot
};

/// \brief Parses "nearest", "linear", "bspline"; throws InvalidArgument otherwise.
Interpolation parseInterpolation(const std::string& name);
/// \brief The name parseInterpolation accepts.
std::string interpolationName(Interpolation interpolation);

/// \brief Resamples images between voxel grids in patient space (itk::ResampleImageFilter with
/// an identity transform), so geometry is always kept: a voxel keeps its physical position.
class GridResampler {
 public:
  /// \brief Grid covering the same physical field of view as `image` (outer voxel edges kept)
  /// at `spacing` (0 on an axis keeps that axis's spacing). Size and origin are derived.
  static Image emptyGridWithSpacing(const Image& image, std::array<double, 3> spacing);
  /// \brief Resamples to `spacing` over the same field of view.
  static Image toSpacing(const Image& image, std::array<double, 3> spacing,
                         Interpolation interpolation);
  /// \brief Resamples `image` onto the voxel grid of `reference` (size, spacing, origin,
  /// direction); points outside `image` get `outsideValue`. Nearest keeps the pixel type,
  /// the others give Float32.
  static Image onto(const Image& image, const Image& reference, Interpolation interpolation,
                    double outsideValue = 0.0);
};

}  // namespace medsight

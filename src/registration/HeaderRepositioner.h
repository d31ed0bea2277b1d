#pragma once

#include <array>

#include "core/Image.h"
#include "registration/SpatialTransform.h"

namespace medsight {

/// \brief Moves an image rigidly in patient space by rewriting its geometry (origin and
/// direction) instead of its voxels: lossless, so a known misalignment can be put on an image
/// and its mask for testing and benchmarking registration.
class HeaderRepositioner {
 public:
  /// \brief After this, content that was at point p sits at R (p - centre) + centre +
  /// translation, R = Rz Rx Ry (ITK Euler3DTransform's order; radians). Returns the transform that
  /// maps the original image's points to the repositioned ones — the transform a perfect
  /// registration of the repositioned image to the original recovers.
  static SpatialTransform reposition(Image& image, std::array<double, 3> rotationRadians,
                                     std::array<double, 3> translationMm,
                                     std::array<double, 3> centre);
};

}  // namespace medsight

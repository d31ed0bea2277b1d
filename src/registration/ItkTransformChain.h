#pragma once

// Private to src/registration: the ITK object behind SpatialTransform.

#include <itkCompositeTransform.h>

#include <atomic>

#include "registration/SpatialTransform.h"

namespace medsight {

/// \brief Composite of ITK transforms; the last one added is applied first (ITK's order), so
/// adding affine then B-spline maps x to affine(bspline(x)).
struct SpatialTransform::Impl {
  using Composite = itk::CompositeTransform<double, 3>;
  Composite::Pointer chain = Composite::New();
  /// \brief Resample a linear chain after a B-spline by separable evaluation (see
  /// SpatialTransform.cpp); tests turn it off to compare with ITK's per-point path.
  bool separableBSpline = true;
  /// \brief Whether the last resample() took that path (for tests; atomic because resample()
  /// is const and may run on several threads).
  mutable std::atomic<bool> lastResampleWasSeparable{false};
};

}  // namespace medsight

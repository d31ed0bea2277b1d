#pragma once

#include <optional>

#include <nlohmann/json.hpp>
#include <string>

#include "core/Image.h"
#include "registration/RegistrationSettings.h"
#include "registration/SpatialTransform.h"

namespace medsight {

/// \brief Outcome of a registration that converged.
struct RegistrationResult {
  SpatialTransform transform;  ///< fixed-space point -> moving-space point
  /// \brief Mattes mutual information (negative; lower = more similar) on the full-resolution
  /// images before and after, over the same voxels.
  double initialMetric = 0.0;
  double finalMetric = 0.0;
  /// \brief The same measure with the moving image's voxels shuffled (its histogram kept, its
  /// structure gone): what the metric gives for images that share nothing.
  double chanceMetric = 0.0;
  double seconds = 0.0;
  /// \brief Per stage and level: iterations, stop condition, metric values, learning rate.
  nlohmann::json report;
};

/// \brief Multi-resolution intensity-based registration of a moving 3D image to a fixed one
/// (ITK v4: ImageRegistrationMethodv4 with Mattes mutual information and gradient descent).
///
/// A registration that does not converge raises NotConverged and yields no transform, so no
/// silently wrong transform is ever written: the optimiser must stop by its convergence
/// monitor or on a plateau at every stage's finest level, the similarity must not get worse
/// than at the start, an affine stage must not collapse or blow up the volume
/// (determinant within [0.2, 5]), and the aligned images must share at least five times the mutual
/// information of the fixed image and the moving one with its voxels shuffled. A B-spline
/// deformation that lowers the similarity on voxels it was not fitted to is dropped (identity
/// deformation, with a warning in the report's `warnings`), since the stage can fit its samples'
/// noise.
class ImageRegistration {
 public:
  /// \brief Validates the settings (InvalidConfiguration).
  explicit ImageRegistration(RegistrationSettings settings);
  /// \brief Registers `moving` to `fixed` (3D, single frame, any pixel type). Throws
  /// NotConverged (with the stop conditions) when the optimisation fails.
  RegistrationResult run(const Image& fixed, const Image& moving) const;
  /// \brief Mattes mutual information of `moving` seen through `transform` on `fixed`'s voxels
  /// (those of the fixed region when one is set).
  double similarity(const Image& fixed, const Image& moving,
                    const SpatialTransform& transform) const;
  /// \brief Measures the similarity only where `region` (a mask on the fixed image's grid) is
  /// non-zero, as elastix's fixed mask does: two sessions of a limb differ by posture, so one
  /// rigid transform cannot fit the whole field of view, and the region says where it must fit
  /// (e.g. around the target). run() throws GeometryMismatch when it is on another grid and
  /// EmptyInput when it is empty.
  void setFixedRegion(const Image& region);

 private:
  RegistrationSettings settings_;
  std::optional<Image> fixedRegion_;  ///< UInt8, 1 inside (MaskComparison::binary)
};

}  // namespace medsight

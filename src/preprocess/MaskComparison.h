#pragma once

#include <optional>

#include "core/Image.h"

namespace medsight {

/// \brief Agreement between a predicted (or moved) mask and a reference mask on the same grid.
struct MaskAgreement {
  double dice = 0.0;     ///< 2|A∩B| / (|A| + |B|); 1 when both are empty
  double jaccard = 0.0;  ///< |A∩B| / |A∪B|
  /// \brief 95th-percentile Hausdorff distance in mm: the larger of the two directed 95th
  /// percentiles of surface-to-surface distances (the MONAI / Medical Segmentation Decathlon
  /// convention). Absent when either mask is empty.
  std::optional<double> hausdorff95Mm;
  /// \brief Mean symmetric surface distance in mm (absent when either mask is empty).
  std::optional<double> meanSurfaceDistanceMm;
  double volumeMl = 0.0;           ///< volume of the predicted mask
  double referenceVolumeMl = 0.0;  ///< volume of the reference mask
  /// \brief (volume - reference) / reference in percent (absent for an empty reference).
  std::optional<double> volumeErrorPercent;
};

/// \brief Overlap and surface-distance metrics for binary masks (any non-zero voxel is inside),
/// computed in physical units from the grid's spacing; surface distances use ITK's exact
/// Euclidean distance transform (Maurer et al., IEEE TPAMI 2003).
class MaskComparison {
 public:
  /// \brief Compares `mask` with `reference`; throws GeometryMismatch when their grids differ.
  static MaskAgreement compare(const Image& mask, const Image& reference);
  /// \brief Dice coefficient only (cheap; no distance transform).
  static double dice(const Image& mask, const Image& reference);
  /// \brief Volume of the non-zero voxels in millilitres.
  static double volumeMl(const Image& mask);
  /// \brief 1 where `mask` is non-zero (compared in its own pixel type, so 0.3 counts), as a
  /// UInt8 image on the same grid: the one meaning of "inside" for every mask MedSight reads.
  static Image binary(const Image& mask);
};

}  // namespace medsight

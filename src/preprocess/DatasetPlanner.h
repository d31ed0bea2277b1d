#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "preprocess/DatasetFingerprint.h"

namespace medsight {

/// \brief Limits a plan must respect.
struct PlanningOptions {
  /// \brief "CT" selects a dataset-wide HU window; anything else per-image z-scores.
  std::string modality;
  /// \brief Largest 3D patch in voxels (CPU budget; nnU-Net's GPU plans allow ~10x more).
  std::size_t maxPatchVoxels3d = 64 * 64 * 32;
  /// \brief Largest 2D patch in pixels.
  std::size_t maxPatchPixels2d = 128 * 128;
  /// \brief Poolings of the planned U-Net (patch extents are multiples of 2^poolings).
  int poolings = 3;
  /// \brief In-plane spacing to use instead of the median (0 = median): coarser spacing for a
  /// CPU budget.
  double inPlaneSpacing = 0.0;

  /// \brief Throws InvalidArgument for limits no plan can meet (a budget below the smallest
  /// patch 2^poolings on every axis, poolings outside 0..6, a negative spacing).
  void validate() const;
};

/// \brief nnU-Net's planning rules applied to a fingerprint: target spacing = median spacing
/// (for strongly anisotropic data, > 3x, the coarse axis takes the 10th percentile instead),
/// patch sizes from the median resampled shape within a voxel budget, normalisation by
/// modality (CT: a dataset-wide window from the foreground's 0.5–99.5 percentiles, rescaled;
/// others: per-image z-score). The plan holds a ready `medsight preprocess` pipeline.
class DatasetPlanner {
 public:
  /// \brief Builds the plan JSON (format medsight-plan/1).
  static nlohmann::json plan(const DatasetFingerprint& fingerprint, const PlanningOptions& options);
};

}  // namespace medsight

#pragma once

#include <array>
#include <string>

namespace medsight {

/// \brief Where an image's voxels sit in patient space (LPS, millimetres), as in ITK and
/// DICOM PS3.3 C.7.6.2: physical = origin + direction * diag(spacing) * index.
struct ImageGeometry {
  /// \brief Voxel size along x, y, z in mm (z is 1 for 2D images).
  std::array<double, 3> spacing{1.0, 1.0, 1.0};
  /// \brief Physical position of the centre of voxel (0,0,0) in mm.
  std::array<double, 3> origin{0.0, 0.0, 0.0};
  /// \brief Row-major 3x3 matrix whose column i is the unit direction of image axis i.
  std::array<double, 9> direction{1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
  /// \brief Seconds between frames of a time series (0 when unknown or not a time series).
  double frameInterval = 0.0;

  /// \brief Physical point of a (continuous) voxel index.
  std::array<double, 3> indexToPhysical(const std::array<double, 3>& index) const;
  /// \brief Continuous voxel index of a physical point (inverse of indexToPhysical).
  std::array<double, 3> physicalToIndex(const std::array<double, 3>& point) const;
  /// \brief True when spacing, origin and direction agree within `tolerance` (mm / cosine).
  bool approxEqual(const ImageGeometry& other, double tolerance = 1e-6) const;
  /// \brief Throws InvalidArgument if spacing is not positive/finite or direction not orthonormal.
  void validate(const std::string& context) const;
  /// \brief Three-letter orientation code of the axes (e.g. "LPS", "RAI") for reports.
  std::string orientationCode() const;
};

}  // namespace medsight

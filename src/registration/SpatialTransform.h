#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <string>

#include "core/Image.h"
#include "preprocess/GridResampler.h"

namespace medsight {

/// \brief A 3D spatial transform in patient coordinates (LPS, mm) mapping points of the fixed
/// image to the moving image (ITK convention), possibly a chain (affine then B-spline).
/// Stored as ITK transform text files (.tfm), which elastix, 3D Slicer and ANTs read.
class SpatialTransform {
 public:
  /// \brief The identity.
  SpatialTransform();
  ~SpatialTransform();
  SpatialTransform(const SpatialTransform& other);
  SpatialTransform& operator=(const SpatialTransform& other);
  SpatialTransform(SpatialTransform&&) noexcept;
  SpatialTransform& operator=(SpatialTransform&&) noexcept;

  /// \brief A rigid transform: rotation R = Rz Rx Ry (radians; ITK Euler3DTransform) about
  /// `centre`, then translation (mm).
  static SpatialTransform rigid(std::array<double, 3> rotationRadians,
                                std::array<double, 3> translationMm, std::array<double, 3> centre);
  /// \brief Reads a .tfm file (FileNotFound / CorruptData).
  static SpatialTransform read(const std::filesystem::path& path);
  /// \brief Writes a .tfm file atomically.
  void write(const std::filesystem::path& path) const;

  /// \brief Maps a fixed-space point to moving space.
  std::array<double, 3> apply(const std::array<double, 3>& point) const;
  /// \brief Resamples `moving` onto the grid of `fixedGrid` through this transform (the
  /// output has the fixed grid; voxels mapping outside `moving` get `outsideValue`).
  Image resample(const Image& moving, const Image& fixedGrid, Interpolation interpolation,
                 double outsideValue = 0.0) const;
  /// \brief Short description ("Euler3DTransform", "AffineTransform + BSplineTransform").
  std::string describe() const;
  /// \brief Number of chained transforms.
  std::size_t stages() const;

  /// \brief ITK objects (registration module internals only).
  struct Impl;
  /// \brief Access for the registration engine.
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace medsight

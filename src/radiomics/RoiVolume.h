#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace medsight {

/// \brief The image crop and ROI masks a radiomics computation works on, after the IBSI
/// processing chain (interpolation, re-segmentation). Voxels are in x-fastest order; positions
/// are in millimetres on the (possibly resampled) grid, ignoring the direction cosines because
/// every IBSI feature is invariant to rotation of the whole grid.
struct RoiVolume {
  std::array<std::size_t, 3> size{0, 0, 0};  ///< voxels along x, y, z
  std::array<double, 3> spacing{1, 1, 1};    ///< mm
  std::vector<double> intensity;             ///< image intensities of every voxel of the crop
  std::vector<std::uint8_t> morphologyMask;  ///< ROI before re-segmentation (IBSI 2.3)
  std::vector<std::uint8_t> intensityMask;   ///< ROI after re-segmentation (IBSI 2.3)
  /// \brief The configured re-segmentation range (not the outlier bounds): its lower bound
  /// anchors fixed-bin-size discretisation and both anchor the intensity-volume histogram.
  std::optional<double> rangeLower, rangeUpper;

  /// \brief Linear index of voxel (x, y, z).
  std::size_t index(std::size_t x, std::size_t y, std::size_t z) const {
    return x + size[0] * (y + size[1] * z);
  }
  /// \brief Number of voxels of the crop.
  std::size_t voxelCount() const { return size[0] * size[1] * size[2]; }
  /// \brief Volume of one voxel in mm^3.
  double voxelVolume() const { return spacing[0] * spacing[1] * spacing[2]; }
};

/// \brief ROI intensities discretised to grey levels 1..levelCount (0 outside the intensity
/// mask), the input of the intensity histogram and every texture matrix (IBSI 2.7).
struct DiscretisedRoi {
  std::array<std::size_t, 3> size{0, 0, 0};
  std::array<double, 3> spacing{1, 1, 1};
  std::vector<int> level;                    ///< 0 = outside the intensity mask
  std::vector<std::uint8_t> morphologyMask;  ///< for distance-zone distances (IBSI 3.9)
  int levelCount = 0;                        ///< Ng
  /// \brief Linear index of voxel (x, y, z).
  std::size_t index(std::size_t x, std::size_t y, std::size_t z) const {
    return x + size[0] * (y + size[1] * z);
  }
};

}  // namespace medsight

#pragma once

#include <filesystem>

#include "core/Image.h"

namespace medsight {

/// \brief Reads NIfTI-1 and NIfTI-2 images (`.nii`, `.nii.gz`, `.hdr/.img`) through nifti_clib,
/// converting the RAS+ qform/sform to MedSight's LPS geometry and applying scl_slope/scl_inter.
class NiftiReader {
 public:
  /// \brief Reads the whole image. Throws FileNotFound, CorruptData, UnsupportedFormat or
  /// TooLarge (checked against the MemoryBudget before any voxel data is read).
  static Image read(const std::filesystem::path& path);
};

}  // namespace medsight

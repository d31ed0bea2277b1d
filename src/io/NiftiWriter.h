#pragma once

#include <filesystem>

#include "core/Image.h"

namespace medsight {

/// \brief Writes an Image as NIfTI (`.nii` or gzip-compressed `.nii.gz`), with qform and sform
/// both set to the scanner-anatomical transform (LPS geometry converted to NIfTI's RAS+).
class NiftiWriter {
 public:
  /// \brief NIfTI header version to write.
  enum class Version { Nifti1, Nifti2 };
  /// \brief Writes atomically (temporary file + rename). NIfTI-1 is used unless `version` asks
  /// for NIfTI-2 or an extent exceeds NIfTI-1's 32767 limit.
  static void write(const Image& image, const std::filesystem::path& path,
                    Version version = Version::Nifti1);
};

}  // namespace medsight

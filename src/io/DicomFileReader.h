#pragma once

#include <filesystem>

#include "core/Image.h"
#include "io/DicomHeader.h"

namespace medsight {

/// \brief Reads one DICOM file into an Image, following the pixel pipeline of DICOM PS3.3
/// C.7.6.3 (Bits Stored/High Bit, signed pixels, planar configuration, YBR/palette to RGB) and
/// C.11.1 (Modality LUT: Rescale Slope/Intercept to Hounsfield units or SUV, or a Modality LUT
/// Sequence). VOI LUT / window values stay in the metadata for display (DicomDisplayRenderer);
/// MONOCHROME1 is recorded, not inverted, so stored values keep their physical meaning.
///
/// Compressed transfer syntaxes: JPEG baseline/extended/lossless, JPEG-LS, RLE (DCMTK) and
/// JPEG 2000 (OpenJPEG, Jpeg2000Decoder); deflate and big endian are handled by DCMTK.
class DicomFileReader {
 public:
  /// \brief Reads the file. Multi-frame objects with per-frame positions become 3D volumes
  /// sorted along the slice normal; other multi-frame objects become frames (t).
  static Image read(const std::filesystem::path& path);
  /// \brief Reads only the header (no pixel data).
  static DicomHeader readHeader(const std::filesystem::path& path) { return readDicomHeader(path); }
};

}  // namespace medsight

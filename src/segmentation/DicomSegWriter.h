#pragma once

#include <filesystem>
#include <string>

#include "core/Image.h"
#include "segmentation/ReferencedSeries.h"
#include "segmentation/RtStructWriter.h"

namespace medsight {

/// \brief Writes a mask as a binary DICOM Segmentation object (SEG, PS3.3 A.51; DCMTK dcmseg):
/// one segment, one 1-bit frame per slice that holds part of the structure, each frame
/// carrying its plane position and a derivation reference to its source instance, shared
/// pixel measures and orientation, dimension index by segment and image position.
class DicomSegWriter {
 public:
  /// \brief Writes `path` atomically; GeometryMismatch when the mask is off the series grid,
  /// EmptyInput when it is empty.
  static void write(const ExportedStructure& structure, const ReferencedSeries& reference,
                    const std::filesystem::path& path);
};

}  // namespace medsight

#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "core/Image.h"
#include "segmentation/ReferencedSeries.h"

namespace medsight {

/// \brief One structure to export.
struct ExportedStructure {
  std::string name = "GTV";
  Image mask;  ///< non-zero = inside, on the referenced series' grid
  std::array<int, 3> colour{255, 0, 0};
  /// \brief RT ROI Interpreted Type (PS3.3 C.8.8.8): GTV, CTV, PTV, ORGAN, EXTERNAL, ...
  std::string interpretedType = "GTV";
  /// \brief ROI Generation Algorithm: AUTOMATIC, SEMIAUTOMATIC or MANUAL.
  std::string algorithm = "AUTOMATIC";
};

/// \brief Writes masks as a DICOM RT Structure Set (PS3.3 A.19) referencing the image series
/// they were drawn on: one CLOSED_PLANAR contour per voxel-edge outline loop per slice, each
/// referencing its slice's SOP instance; patient, study and frame of reference copied from the
/// series; new Series and SOP Instance UIDs.
class RtStructWriter {
 public:
  /// \brief Writes `path` atomically; GeometryMismatch when a mask is off the series grid,
  /// EmptyInput when a mask is empty.
  static void write(const std::vector<ExportedStructure>& structures,
                    const ReferencedSeries& reference, const std::filesystem::path& path,
                    const std::string& label = "MedSight");
};

}  // namespace medsight

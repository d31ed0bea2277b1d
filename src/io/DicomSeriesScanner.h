#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "io/DicomHeader.h"

namespace medsight {

/// \brief One image series found in a folder, its instances sorted for volume building, and
/// what is wrong with it.
struct DicomSeriesInfo {
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
  std::string modality;
  std::string seriesDescription;
  int seriesNumber = 0;
  /// \brief Instances sorted by Image Position (Patient) projected on the slice normal (PS3.3
  /// C.7.6.2.1.1), then by time/instance number for repeated positions.
  std::vector<DicomHeader> instances;
  /// \brief Unit slice normal (row x column cosines).
  std::array<double, 3> normal{0.0, 0.0, 1.0};
  /// \brief Distinct slice positions (a dynamic series repeats each position once per frame).
  std::size_t positions = 0;
  /// \brief Time points per position (1 for a static series).
  std::size_t timePoints = 1;
  /// \brief Median distance between neighbouring positions along the normal, in mm.
  double sliceSpacing = 0.0;
  /// \brief Angle between the slice normal and the direction in which slices are stacked
  /// (a tilted CT gantry), in degrees.
  double gantryTiltDegrees = 0.0;
  /// \brief A run of slices absent from the series: the gap after sorted position `after` is
  /// `count` + 1 slice spacings wide.
  struct MissingSlices {
    std::size_t after = 0;
    std::size_t count = 0;
    std::string description;  ///< "1 slice(s) missing between positions ... mm (gap ...)"
  };
  /// \brief Every gap of a whole number of slice spacings (at least 1.5 spacings wide).
  std::vector<MissingSlices> missingSlices;
  /// \brief Missing or duplicate slices, non-uniform spacing, tilt: each named precisely.
  std::vector<std::string> warnings;
  /// \brief Why the series cannot be read as one volume (empty when it can).
  std::string notAVolume;
};

/// \brief Result of scanning a folder: series, files that failed and why, non-DICOM files.
struct DicomScanResult {
  std::vector<DicomSeriesInfo> series;
  std::vector<std::pair<std::string, std::string>> failures;  ///< (file, reason)
  std::vector<std::string> nonImageInstances;  ///< DICOM files without pixel data (SR, RTSTRUCT)
  std::size_t skippedNonDicom = 0;
};

/// \brief Finds DICOM image series in a folder: reads headers only (in parallel), groups by
/// Study and Series Instance UID (splitting a series whose instances differ in orientation or
/// matrix size), sorts slices along their normal and checks spacing consistency.
class DicomSeriesScanner {
 public:
  /// \brief Scans `folder` (recursively unless told otherwise) with `threads` workers (0 = all
  /// cores). One bad file never stops the scan: it is listed in `failures`.
  static DicomScanResult scan(const std::filesystem::path& folder, bool recursive = true,
                              int threads = 0);
  /// \brief Sorts and checks one group of instances of a single series (used by scan()).
  static DicomSeriesInfo analyse(std::vector<DicomHeader> instances);
};

}  // namespace medsight

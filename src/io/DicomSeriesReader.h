#pragma once

#include <filesystem>
#include <string>

#include "core/Image.h"
#include "io/DicomSeriesScanner.h"

namespace medsight {

/// \brief Builds a 3D (or 3D + time) Image from a scanned DICOM series: origin at the first
/// slice, spacing from Pixel Spacing and the median slice gap, direction from Image Orientation
/// (Patient). Slices are decoded in parallel; per-slice rescale values (e.g. PET) are honoured.
class DicomSeriesReader {
 public:
  /// \brief Reads one series. Throws InconsistentSeries when it cannot form a volume.
  static Image read(const DicomSeriesInfo& series, int threads = 0);
  /// \brief Scans `folder` and reads the series with UID `seriesUid`, or the only/largest
  /// image series when `seriesUid` is empty.
  static Image readFolder(const std::filesystem::path& folder, const std::string& seriesUid = "",
                          int threads = 0);
};

}  // namespace medsight

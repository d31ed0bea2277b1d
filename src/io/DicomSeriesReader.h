#pragma once

#include <filesystem>
#include <string>

#include "core/Image.h"
#include "io/DicomSeriesScanner.h"

namespace medsight {

/// \brief Builds a 3D (or 3D + time) Image from a scanned DICOM series: origin at the first
/// slice, spacing from Pixel Spacing and the median slice gap, direction from Image Orientation
/// (Patient). Slices are decoded in parallel; per-slice rescale values (e.g. PET) are honoured.
///
/// A series with slices missing (a gap of two or more slice spacings) is refused: stacking the
/// slices it has would put every slice beyond the gap one spacing or more from where it was
/// acquired, and a mask or an outline drawn on the true positions would no longer match.
/// `interpolateMissingSlices` reads it instead with each missing slice interpolated linearly
/// from its two neighbours, so the geometry is true, and says so in `series.warnings`.
class DicomSeriesReader {
 public:
  /// \brief Reads one series. Throws InconsistentSeries when it cannot form a volume or has
  /// slices missing (unless they are to be interpolated).
  static Image read(const DicomSeriesInfo& series, int threads = 0,
                    bool interpolateMissingSlices = false);
  /// \brief Scans `folder` and reads the series with UID `seriesUid`, or the only/largest
  /// image series when `seriesUid` is empty. A refusal for missing slices names the folder's
  /// files that could not be read (often the missing slices themselves).
  static Image readFolder(const std::filesystem::path& folder, const std::string& seriesUid = "",
                          int threads = 0, bool interpolateMissingSlices = false);

 private:
  static void refuseMissingSlices(const DicomSeriesInfo& series, const std::string& note);
};

}  // namespace medsight

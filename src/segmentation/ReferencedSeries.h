#pragma once

#include <filesystem>
#include <string>

#include "core/Image.h"
#include "io/DicomSeriesScanner.h"

namespace medsight {

/// \brief A DICOM image series a mask refers to: its instances (sorted by slice position, one
/// per slice of the volume) and the volume's grid.
struct ReferencedSeries {
  DicomSeriesInfo series;
  Image image;

  /// \brief Reads the series with `seriesUid` (or the only/largest image series) from a folder.
  /// Throws InvalidArgument when the series is not a single-frame-per-slice volume.
  static ReferencedSeries read(const std::filesystem::path& folder,
                               const std::string& seriesUid = "");
  /// \brief Throws GeometryMismatch unless `mask` lies on this series' voxel grid.
  void requireGrid(const Image& mask, const std::string& context) const;
};

}  // namespace medsight

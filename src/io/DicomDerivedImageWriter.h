#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/Image.h"
#include "io/DicomHeader.h"

namespace medsight {

/// \brief How a derived series is described in its DICOM header.
struct DerivedSeriesOptions {
  std::string seriesDescription = "MedSight derived";
  int seriesNumber = 9001;
  /// \brief Derivation Description (0008,2111), e.g. "Grad-CAM of pneumonia-cxr 1.0.0".
  std::string derivationDescription;
  /// \brief Software that produced it (Manufacturer Model Name / Software Versions).
  std::string software = "MedSight";
};

/// \brief Writes an Image as a new DICOM series in the source study: derived CT/MR images
/// (Image Type DERIVED\SECONDARY) for grey volumes of those modalities, Secondary Capture
/// otherwise (e.g. RGB heatmap overlays). Patient and study attributes come from the source
/// instances, which are referenced in Source Image Sequence (0008,2112); every UID is new.
class DicomDerivedImageWriter {
 public:
  /// \brief Writes one instance per slice into `outputFolder` (created if needed) and returns
  /// the files. `sources` are the instances the image was derived from (at least one).
  static std::vector<std::filesystem::path> write(const Image& image,
                                                  const std::vector<DicomHeader>& sources,
                                                  const std::filesystem::path& outputFolder,
                                                  const DerivedSeriesOptions& options = {});
};

}  // namespace medsight

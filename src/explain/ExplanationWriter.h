#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/Image.h"
#include "explain/Explanation.h"

namespace medsight {

struct ModelManifest;

/// \brief Files written for one explanation.
struct ExplanationFiles {
  std::filesystem::path heatmap;      ///< float heatmap with the input geometry (.nii.gz)
  std::filesystem::path overlay;      ///< RGB PNG overlay
  std::filesystem::path dicomFolder;  ///< Secondary Capture series (empty if not written)
  std::vector<std::filesystem::path> dicomFiles;
  std::filesystem::path description;  ///< JSON description
  std::string dicomSkippedReason;     ///< why no DICOM was written, if so
  /// \brief The paths as JSON.
  nlohmann::json toJson() const;
};

/// \brief Writes an explanation where people and systems can use it: the heatmap as NIfTI
/// (geometry kept, for research tools), a PNG overlay, and, when the input was DICOM, the
/// overlay as a Secondary Capture series in the source study (DicomDerivedImageWriter;
/// DICOM PS3.3 A.8) that a PACS viewer shows next to the original.
class ExplanationWriter {
 public:
  /// \brief Writes into `folder` (created if needed) with file names starting `stem`.
  static ExplanationFiles write(const Image& image, const Explanation& explanation,
                                const ModelManifest& manifest, const std::filesystem::path& folder,
                                const std::string& stem, bool dicom = true);
};

}  // namespace medsight

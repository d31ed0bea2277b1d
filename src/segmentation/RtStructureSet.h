#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace medsight {

/// \brief One contour of an ROI (DICOM PS3.3 C.8.8.6 ROI Contour Module): a planar polygon in
/// patient coordinates (mm).
struct RtContour {
  std::string geometricType;  ///< CLOSED_PLANAR, OPEN_PLANAR, OPEN_NONPLANAR or POINT
  std::vector<std::array<double, 3>> points;
  std::vector<std::string> referencedSopInstanceUids;  ///< Contour Image Sequence
};

/// \brief One region of interest: Structure Set ROI (C.8.8.5) joined with its ROI Contour.
struct RtRoi {
  int number = 0;
  std::string name;
  std::string frameOfReferenceUid;
  std::string generationAlgorithm;
  std::array<int, 3> colour{255, 0, 0};
  std::vector<RtContour> contours;
};

/// \brief A DICOM RT Structure Set (RTSTRUCT, SOP class 1.2.840.10008.5.1.4.1.1.481.3).
struct RtStructureSet {
  std::string sopInstanceUid;
  std::string studyInstanceUid;
  std::string frameOfReferenceUid;
  std::string referencedSeriesUid;  ///< the image series the contours were drawn on
  std::string label;
  std::string patientId;
  std::vector<RtRoi> rois;

  /// \brief Reads an RTSTRUCT file (DCMTK). Throws FileNotFound, CorruptData, or
  /// WrongModality when the file is not an RT Structure Set.
  static RtStructureSet read(const std::filesystem::path& path);
  /// \brief The ROI named `name`, or the only ROI when `name` is empty; throws InvalidArgument
  /// listing the available names otherwise.
  const RtRoi& roi(const std::string& name) const;
};

}  // namespace medsight

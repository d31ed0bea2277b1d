#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief The attributes of one DICOM instance that MedSight uses to group, sort, read and
/// describe images (DICOM PS3.3 C.7.6.2 Image Plane, C.7.6.3 Image Pixel, C.11 LUTs), read
/// without loading the pixel data.
struct DicomHeader {
  std::string path;
  bool hasMetaHeader = false;  ///< Part 10 preamble + file meta information present
  std::string transferSyntaxUid;
  std::string transferSyntaxName;
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
  std::string frameOfReferenceUid;
  std::string modality;
  std::string seriesDescription;
  std::string bodyPartExamined;
  std::string imageType;
  std::string burnedInAnnotation;
  std::string photometricInterpretation;
  std::string patientId;
  std::string patientName;  ///< converted to UTF-8 from SpecificCharacterSet
  std::string studyDate;
  std::string manufacturer;
  std::string specificCharacterSet;
  std::string acquisitionTime;         ///< (0008,0032), orders frames of a dynamic series
  int temporalPositionIdentifier = 0;  ///< (0020,0100)
  int seriesNumber = 0;
  int instanceNumber = 0;
  int rows = 0;
  int columns = 0;
  int frames = 1;
  int samplesPerPixel = 1;
  int bitsAllocated = 0;
  int bitsStored = 0;
  int highBit = 0;
  int pixelRepresentation = 0;
  int planarConfiguration = 0;
  bool hasPixelData = false;
  bool hasModalityLut = false;  ///< Modality LUT Sequence (0028,3000) present
  std::optional<std::array<double, 3>> imagePosition;       ///< (0020,0032), mm
  std::optional<std::array<double, 6>> imageOrientation;    ///< (0020,0037) row then column
  std::optional<std::array<double, 2>> pixelSpacing;        ///< (0028,0030) row, column spacing
  std::optional<std::array<double, 2>> imagerPixelSpacing;  ///< (0018,1164) at the detector
  std::optional<double> sliceThickness;
  std::optional<double> spacingBetweenSlices;
  std::optional<double> frameTime;  ///< (0018,1063) ms between frames
  double rescaleSlope = 1.0;
  double rescaleIntercept = 0.0;
  bool hasRescale = false;
  std::string rescaleType;
  std::vector<double> windowCenter;
  std::vector<double> windowWidth;
  std::string voiLutFunction;
  /// \brief Per-frame Image Position (Patient) of enhanced multi-frame objects, in frame order.
  std::vector<std::array<double, 3>> framePositions;

  /// \brief Slice normal (row x column cosines), or +z when orientation is absent.
  std::array<double, 3> sliceNormal() const;
  /// \brief Copies the descriptive attributes into an image's metadata (DICOM keywords).
  void copyTo(MetadataDictionary& metadata) const;
};

/// \brief Reads a DICOM header (Part 10 files and raw datasets without a meta header) without
/// loading large element values. Throws FileNotFound, CorruptData or UnsupportedFormat.
DicomHeader readDicomHeader(const std::filesystem::path& path);

/// \brief True when the first bytes look like DICOM: "DICM" at offset 128, or a plausible first
/// element of group 0x0002/0x0008 in explicit or implicit little/big endian.
bool looksLikeDicom(const std::filesystem::path& path);

}  // namespace medsight

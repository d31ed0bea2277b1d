#pragma once

#include <string>
#include <string_view>

class DcmItem;
class DcmDataset;

namespace medsight {

/// \brief The attributes MedSight indexes from one DICOM object (PS3.3 C.7.1.1 Patient,
/// C.7.2.1 General Study, C.7.3.1 General Series, C.12.1 SOP Common), as UTF-8.
struct DicomObjectSummary {
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
  std::string transferSyntaxUid;
  std::string modality;
  std::string bodyPartExamined;
  std::string photometricInterpretation;
  std::string patientId;
  std::string patientName;
  std::string patientBirthDate;
  std::string patientSex;
  std::string studyDate;
  std::string studyTime;
  std::string accessionNumber;
  std::string studyDescription;
  std::string seriesDescription;
  long seriesNumber = 0;
  long instanceNumber = 0;
  bool hasPixelData = false;
};

/// \brief A DICOM object in Part 10 form (preamble, "DICM", file meta information, dataset:
/// PS3.10 7.1) with its summary. The DCMTK adapter of the server: DCMTK types stay in its .cpp
/// and in the receiver.
struct DicomObject {
  std::string part10;
  DicomObjectSummary summary;

  /// \brief Parses and checks bytes (Part 10, or a bare dataset). Throws CorruptData for
  /// truncated or malformed data and InvalidArgument when an identifying UID is missing or not
  /// a valid UID (PS3.5 9.1), naming `name`.
  static DicomObject parse(std::string_view bytes, const std::string& name);
  /// \brief Builds from a dataset received over the network (takes ownership of `dataset`),
  /// keeping its transfer syntax; checks as parse() does.
  static DicomObject fromDataset(DcmDataset* dataset, const std::string& name);
  /// \brief Reads the summary attributes of a dataset.
  static DicomObjectSummary summarise(DcmItem& dataset);
  /// \brief True for a valid UID: 1-64 characters, digits and dots, no empty or leading-zero
  /// component (PS3.5 9.1).
  static bool isValidUid(std::string_view uid);
  /// \brief `text` with invalid UTF-8 bytes replaced by U+FFFD (databases refuse them).
  static std::string sanitiseUtf8(std::string_view text);
};

}  // namespace medsight

#pragma once

#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief Patient and study attributes of a study made from plain images.
struct SampleStudySpec {
  std::string patientId = "DEMO-1";
  std::string patientName = "Demo^Patient";
  std::string patientSex = "O";
  std::string modality = "CR";  ///< CR (chest radiograph) or MR
  std::string bodyPart = "CHEST";
  std::string description = "Sample study";
  std::string accessionNumber;
  std::string studyDate = "20240101";
  /// \brief Study Instance UID; empty = a new one.
  std::string studyUid;
};

/// \brief Wraps real 2D images (e.g. PneumoniaMNIST radiographs, brain MR slices from JPEG)
/// as one DICOM series of CR Image Storage or MR Image Storage objects, so the demo, the
/// end-to-end tests and the benchmarks can send real pixels through the DICOM path. Pixels are
/// stored as 8-bit MONOCHROME2; colour images are averaged to grey.
class SampleStudyWriter {
 public:
  /// \brief Part 10 bytes, one object per image, all in one new series of `spec`'s study.
  static std::vector<std::string> write(const std::vector<Image>& images,
                                        const SampleStudySpec& spec);
};

}  // namespace medsight

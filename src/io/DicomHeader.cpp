#include "io/DicomHeader.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace medsight {
namespace {

std::string joinNumbers(const std::vector<double>& values) {
  std::ostringstream s;
  s.precision(10);
  for (std::size_t i = 0; i < values.size(); ++i) s << (i ? "\\" : "") << values[i];
  return s.str();
}

template <std::size_t N>
std::string joinArray(const std::array<double, N>& values) {
  return joinNumbers(std::vector<double>(values.begin(), values.end()));
}

}  // namespace

std::array<double, 3> DicomHeader::sliceNormal() const {
  if (!imageOrientation) return {0.0, 0.0, 1.0};
  const auto& o = *imageOrientation;
  std::array<double, 3> n{o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5],
                          o[0] * o[4] - o[1] * o[3]};
  const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (len < 1e-6) return {0.0, 0.0, 1.0};
  for (auto& v : n) v /= len;
  return n;
}

void DicomHeader::copyTo(MetadataDictionary& m) const {
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) m[key] = value;
  };
  put("TransferSyntaxUID", transferSyntaxUid);
  put("TransferSyntaxName", transferSyntaxName);
  put("SOPClassUID", sopClassUid);
  put("SOPInstanceUID", sopInstanceUid);
  put("StudyInstanceUID", studyInstanceUid);
  put("SeriesInstanceUID", seriesInstanceUid);
  put("FrameOfReferenceUID", frameOfReferenceUid);
  put("Modality", modality);
  put("SeriesDescription", seriesDescription);
  put("BodyPartExamined", bodyPartExamined);
  put("ImageType", imageType);
  put("BurnedInAnnotation", burnedInAnnotation);
  put("PhotometricInterpretation", photometricInterpretation);
  put("PatientID", patientId);
  put("PatientName", patientName);
  put("StudyDate", studyDate);
  put("Manufacturer", manufacturer);
  put("SpecificCharacterSet", specificCharacterSet);
  if (seriesNumber) m["SeriesNumber"] = std::to_string(seriesNumber);
  if (instanceNumber) m["InstanceNumber"] = std::to_string(instanceNumber);
  m["Rows"] = std::to_string(rows);
  m["Columns"] = std::to_string(columns);
  m["NumberOfFrames"] = std::to_string(frames);
  m["BitsAllocated"] = std::to_string(bitsAllocated);
  m["BitsStored"] = std::to_string(bitsStored);
  m["PixelRepresentation"] = std::to_string(pixelRepresentation);
  if (pixelSpacing) m["PixelSpacing"] = joinArray(*pixelSpacing);
  if (imagerPixelSpacing) m["ImagerPixelSpacing"] = joinArray(*imagerPixelSpacing);
  if (sliceThickness) m["SliceThickness"] = joinNumbers({*sliceThickness});
  if (imagePosition) m["ImagePositionPatient"] = joinArray(*imagePosition);
  if (imageOrientation) m["ImageOrientationPatient"] = joinArray(*imageOrientation);
  if (hasRescale) {
    m["RescaleSlope"] = joinNumbers({rescaleSlope});
    m["RescaleIntercept"] = joinNumbers({rescaleIntercept});
  }
  put("RescaleType", rescaleType);
  if (!windowCenter.empty()) m["WindowCenter"] = joinNumbers(windowCenter);
  if (!windowWidth.empty()) m["WindowWidth"] = joinNumbers(windowWidth);
  put("VOILUTFunction", voiLutFunction);
  // PS3.3 C.8.11.7 vs C.7.6.2.1.1: Pixel Spacing is in the patient; Imager Pixel Spacing is at
  // the detector (projection radiography), so distances measured with it are magnified.
  m["PixelSpacingSource"] = pixelSpacing         ? "PixelSpacing"
                            : imagerPixelSpacing ? "ImagerPixelSpacing"
                                                 : "none";
}

bool looksLikeDicom(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  unsigned char b[132] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  const auto n = in.gcount();
  if (n >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M') return true;
  if (n < 8) return false;
  // No preamble: the dataset starts with a tag of group 0x0002 (meta), 0x0008 (identifying) or
  // a low group, in little or big endian, optionally followed by an explicit VR.
  const std::uint16_t groupLe = static_cast<std::uint16_t>(b[0] | (b[1] << 8));
  const std::uint16_t groupBe = static_cast<std::uint16_t>((b[0] << 8) | b[1]);
  const bool plausibleGroup = groupLe == 0x0002 || groupLe == 0x0008 || groupBe == 0x0008 ||
                              groupBe == 0x0002 || groupLe == 0x0004;
  if (!plausibleGroup) return false;
  const bool explicitVr = b[4] >= 'A' && b[4] <= 'Z' && b[5] >= 'A' && b[5] <= 'Z';
  if (explicitVr) return true;
  // Implicit VR little endian: a 32-bit length that is small and even-ish.
  const std::uint32_t len = static_cast<std::uint32_t>(b[4] | (b[5] << 8) | (b[6] << 16) |
                                                       (static_cast<std::uint32_t>(b[7]) << 24));
  return len < 0x10000;
}

}  // namespace medsight

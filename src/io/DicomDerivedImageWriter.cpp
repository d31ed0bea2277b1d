#include "io/DicomDerivedImageWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <sstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Version.h"
#include "io/DicomFileLoader.h"
#include "io/DicomUid.h"

namespace medsight {
namespace {

constexpr const char* kSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
constexpr const char* kCtImage = "1.2.840.10008.5.1.4.1.1.2";
constexpr const char* kMrImage = "1.2.840.10008.5.1.4.1.1.4";

std::string decimal(double v) {
  // DS values: at most 16 characters (PS3.5 6.2).
  std::ostringstream s;
  s.precision(10);
  s << v;
  std::string text = s.str();
  if (text.size() > 16) {
    s.str("");
    s.precision(6);
    s << v;
    text = s.str();
  }
  return text;
}

std::string join(std::initializer_list<double> values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : "\\") + decimal(v);
  return out;
}

void check(const OFCondition& c, const std::string& what) {
  if (c.bad()) throw Error(ErrorCode::Internal, "DICOM writer: " + what + ": " + c.text());
}

// Patient, general study and frame-of-reference attributes copied from the source (PS3.3
// C.7.1.1, C.7.2.1, C.7.4.1) so the derived series lands in the same patient and study.
const DcmTagKey kCopiedTags[] = {DCM_SpecificCharacterSet,
                                 DCM_PatientName,
                                 DCM_PatientID,
                                 DCM_PatientBirthDate,
                                 DCM_PatientSex,
                                 DCM_PatientAge,
                                 DCM_StudyInstanceUID,
                                 DCM_StudyDate,
                                 DCM_StudyTime,
                                 DCM_StudyID,
                                 DCM_AccessionNumber,
                                 DCM_ReferringPhysicianName,
                                 DCM_StudyDescription,
                                 DCM_FrameOfReferenceUID,
                                 DCM_PositionReferenceIndicator,
                                 DCM_BodyPartExamined,
                                 DCM_PatientIdentityRemoved,
                                 DCM_DeidentificationMethod};

}  // namespace

std::vector<std::filesystem::path> DicomDerivedImageWriter::write(
    const Image& image, const std::vector<DicomHeader>& sources,
    const std::filesystem::path& outputFolder, const DerivedSeriesOptions& options) {
  if (image.empty()) throw Error(ErrorCode::EmptyInput, "derived series: empty image");
  if (sources.empty()) {
    throw Error(ErrorCode::InvalidArgument, "derived series: at least one source instance needed");
  }
  if (image.size().t != 1) {
    throw Error(ErrorCode::UnsupportedFormat, "derived series: time series are not supported");
  }
  std::error_code ec;
  std::filesystem::create_directories(outputFolder, ec);
  if (ec) {
    throw Error(ErrorCode::FileWriteFailed, outputFolder.string() + ": " + ec.message());
  }
  auto sourceFile = loadDicomFile(sources.front().path, true);
  DcmDataset& source = *sourceFile->getDataset();

  const bool rgb = image.components() == 3;
  if (!rgb && image.components() != 1) {
    throw Error(ErrorCode::UnsupportedFormat, "derived series: 1 or 3 components only");
  }
  const std::string modality = image.modality();
  const char* sopClass = kSecondaryCapture;
  if (!rgb && modality == "CT") sopClass = kCtImage;
  if (!rgb && modality == "MR") sopClass = kMrImage;

  // Grey values go to int16 with a rescale that keeps the modality units (HU for CT).
  double slope = 1.0, intercept = 0.0;
  if (!rgb) {
    const auto [lo, hi] = image.minMax();
    const bool integral = !isFloatingPoint(image.pixelType());
    if (!(integral && lo >= -32768 && hi <= 32767)) {
      intercept = lo;
      slope = hi > lo ? (hi - lo) / 65535.0 : 1.0;
      intercept = lo + 32768.0 * slope;
    }
  }
  if (rgb && image.pixelType() != PixelType::UInt8) {
    throw Error(ErrorCode::UnsupportedFormat, "derived series: RGB images must be uint8");
  }

  const std::string seriesUid = generateDicomUid();
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char date[16], time[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  std::strftime(time, sizeof time, "%H%M%S", &tm);

  std::vector<std::filesystem::path> written;
  const ImageGeometry& g = image.geometry();
  for (std::size_t z = 0; z < image.size().z; ++z) {
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    for (const auto& tag : kCopiedTags) source.findAndInsertCopyOfElement(tag, &ds);
    const std::string sopUid = generateDicomUid();
    check(ds.putAndInsertString(DCM_SOPClassUID, sopClass), "SOP Class");
    check(ds.putAndInsertString(DCM_SOPInstanceUID, sopUid.c_str()), "SOP Instance");
    check(ds.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str()), "Series");
    ds.putAndInsertString(DCM_Modality, rgb || modality.empty() ? "OT" : modality.c_str());
    ds.putAndInsertString(DCM_SeriesDescription, options.seriesDescription.c_str());
    ds.putAndInsertString(DCM_SeriesNumber, std::to_string(options.seriesNumber).c_str());
    ds.putAndInsertString(DCM_InstanceNumber, std::to_string(z + 1).c_str());
    ds.putAndInsertString(DCM_ImageType, "DERIVED\\SECONDARY");
    ds.putAndInsertString(DCM_ContentDate, date);
    ds.putAndInsertString(DCM_ContentTime, time);
    ds.putAndInsertString(DCM_SeriesDate, date);
    ds.putAndInsertString(DCM_SeriesTime, time);
    ds.putAndInsertString(DCM_Manufacturer, "MedSight");
    ds.putAndInsertString(DCM_ManufacturerModelName, options.software.c_str());
    ds.putAndInsertString(DCM_SoftwareVersions, kVersion);
    if (!options.derivationDescription.empty()) {
      ds.putAndInsertString(DCM_DerivationDescription, options.derivationDescription.c_str());
    }
    if (std::string(sopClass) == kSecondaryCapture) {
      ds.putAndInsertString(DCM_ConversionType, "WSD");  // workstation (PS3.3 C.8.6.1)
    }
    // References to what it was derived from: the matching slice, or every source.
    for (std::size_t s = 0; s < sources.size(); ++s) {
      if (sources.size() == image.size().z && s != z) continue;
      DcmItem* item = nullptr;
      check(ds.findOrCreateSequenceItem(DCM_SourceImageSequence, item, -2), "Source Image");
      item->putAndInsertString(DCM_ReferencedSOPClassUID, sources[s].sopClassUid.c_str());
      item->putAndInsertString(DCM_ReferencedSOPInstanceUID, sources[s].sopInstanceUid.c_str());
    }
    // Geometry (PS3.3 C.7.6.2).
    const auto position = g.indexToPhysical({0.0, 0.0, static_cast<double>(z)});
    ds.putAndInsertString(DCM_ImagePositionPatient,
                          join({position[0], position[1], position[2]}).c_str());
    ds.putAndInsertString(DCM_ImageOrientationPatient,
                          join({g.direction[0], g.direction[3], g.direction[6], g.direction[1],
                                g.direction[4], g.direction[7]})
                              .c_str());
    ds.putAndInsertString(DCM_PixelSpacing, join({g.spacing[1], g.spacing[0]}).c_str());
    if (image.spatialDimension() == 3) {
      ds.putAndInsertString(DCM_SliceThickness, decimal(g.spacing[2]).c_str());
      ds.putAndInsertString(DCM_SpacingBetweenSlices, decimal(g.spacing[2]).c_str());
    }
    // Image pixel module (C.7.6.3).
    const auto rows = static_cast<Uint16>(image.size().y);
    const auto cols = static_cast<Uint16>(image.size().x);
    ds.putAndInsertUint16(DCM_Rows, rows);
    ds.putAndInsertUint16(DCM_Columns, cols);
    const std::size_t pixels = image.size().x * image.size().y;
    if (rgb) {
      ds.putAndInsertUint16(DCM_SamplesPerPixel, 3);
      ds.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
      ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
      ds.putAndInsertUint16(DCM_BitsAllocated, 8);
      ds.putAndInsertUint16(DCM_BitsStored, 8);
      ds.putAndInsertUint16(DCM_HighBit, 7);
      ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
      const auto* data = reinterpret_cast<const Uint8*>(image.bytes().data()) + z * pixels * 3;
      check(ds.putAndInsertUint8Array(DCM_PixelData, data, pixels * 3), "pixels");
    } else {
      ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
      ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
      ds.putAndInsertUint16(DCM_BitsAllocated, 16);
      ds.putAndInsertUint16(DCM_BitsStored, 16);
      ds.putAndInsertUint16(DCM_HighBit, 15);
      ds.putAndInsertUint16(DCM_PixelRepresentation, 1);
      ds.putAndInsertString(DCM_RescaleSlope, decimal(slope).c_str());
      ds.putAndInsertString(DCM_RescaleIntercept, decimal(intercept).c_str());
      if (std::string(sopClass) == kSecondaryCapture) ds.putAndInsertString(DCM_RescaleType, "US");
      std::vector<Sint16> stored(pixels);
      double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
      for (std::size_t y = 0; y < image.size().y; ++y) {
        for (std::size_t x = 0; x < image.size().x; ++x) {
          const double v = image.valueAt(x, y, z);
          lo = std::min(lo, v);
          hi = std::max(hi, v);
          const double s = std::nearbyint((v - intercept) / slope);
          stored[y * image.size().x + x] = static_cast<Sint16>(std::clamp(s, -32768.0, 32767.0));
        }
      }
      const double center = (lo + hi) / 2, width = std::max(hi - lo, 1.0);
      ds.putAndInsertString(DCM_WindowCenter, decimal(center).c_str());
      ds.putAndInsertString(DCM_WindowWidth, decimal(width).c_str());
      // Pixel Data is OW: the signed values are stored as their 16-bit patterns.
      check(ds.putAndInsertUint16Array(DCM_PixelData,
                                       reinterpret_cast<const Uint16*>(stored.data()), pixels),
            "pixels");
    }
    char name[32];
    std::snprintf(name, sizeof name, "IM%05zu.dcm", z + 1);
    const auto path = outputFolder / name;
    AtomicFile::writeWith(path, [&](const std::filesystem::path& tmp) {
      const OFCondition st = file.saveFile(OFFilename(tmp.c_str()), EXS_LittleEndianExplicit);
      if (st.bad()) {
        throw Error(ErrorCode::FileWriteFailed, path.string() + ": " + st.text());
      }
    });
    written.push_back(path);
  }
  return written;
}

}  // namespace medsight

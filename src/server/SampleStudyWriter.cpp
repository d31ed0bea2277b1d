#include "server/SampleStudyWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <memory>

#include "core/Error.h"
#include "server/DicomObject.h"

namespace medsight {
namespace {

std::string newUid() {
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  return uid;
}

std::vector<Uint8> greyPixels(const Image& image) {
  const Image f = image.castTo(PixelType::Float64);
  const auto values = f.pixels<double>();
  const auto [lo, hi] = f.minMax();
  const std::size_t n = image.size().x * image.size().y;
  const int c = image.components();
  std::vector<Uint8> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    double v = 0;
    for (int k = 0; k < c; ++k)
      v += values[i * static_cast<std::size_t>(c) + static_cast<std::size_t>(k)];
    v /= c;
    // 8-bit images keep their values; others are scaled to the full 8-bit range.
    if (image.pixelType() != PixelType::UInt8) v = hi > lo ? 255.0 * (v - lo) / (hi - lo) : 0.0;
    out[i] = static_cast<Uint8>(std::clamp(v, 0.0, 255.0));
  }
  return out;
}

}  // namespace

std::vector<std::string> SampleStudyWriter::write(const std::vector<Image>& images,
                                                  const SampleStudySpec& spec) {
  const std::string studyUid = spec.studyUid.empty() ? newUid() : spec.studyUid;
  const std::string seriesUid = newUid();
  const bool mr = spec.modality == "MR";
  std::vector<std::string> out;
  int number = 0;
  for (const auto& image : images) {
    if (image.size().z != 1)
      throw Error(ErrorCode::InvalidArgument, "sample study: images must be 2D");
    auto d = std::make_unique<DcmDataset>();
    d->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    d->putAndInsertString(DCM_SOPClassUID,
                          mr ? UID_MRImageStorage : UID_ComputedRadiographyImageStorage);
    d->putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
    d->putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
    d->putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());
    d->putAndInsertString(DCM_PatientID, spec.patientId.c_str());
    d->putAndInsertString(DCM_PatientName, spec.patientName.c_str());
    d->putAndInsertString(DCM_PatientSex, spec.patientSex.c_str());
    d->putAndInsertString(DCM_PatientBirthDate, "");
    d->putAndInsertString(DCM_StudyDate, spec.studyDate.c_str());
    d->putAndInsertString(DCM_StudyTime, "120000");
    d->putAndInsertString(DCM_StudyID, "1");
    d->putAndInsertString(DCM_ReferringPhysicianName, "");
    d->putAndInsertString(DCM_AccessionNumber, spec.accessionNumber.c_str());
    d->putAndInsertString(DCM_StudyDescription, spec.description.c_str());
    d->putAndInsertString(DCM_Modality, spec.modality.c_str());
    d->putAndInsertString(DCM_BodyPartExamined, spec.bodyPart.c_str());
    d->putAndInsertString(DCM_SeriesNumber, "1");
    d->putAndInsertString(DCM_InstanceNumber, std::to_string(++number).c_str());
    d->putAndInsertString(DCM_PatientOrientation, "");
    d->putAndInsertString(DCM_Manufacturer, "MedSight sample");
    if (mr) {
      d->putAndInsertString(DCM_ScanningSequence, "SE");
      d->putAndInsertString(DCM_SequenceVariant, "NONE");
      d->putAndInsertString(DCM_ScanOptions, "");
      d->putAndInsertString(DCM_MRAcquisitionType, "2D");
      d->putAndInsertString(DCM_EchoTrainLength, "1");
      d->putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY");
      d->putAndInsertString(DCM_ImagePositionPatient, ("0\\0\\" + std::to_string(number)).c_str());
      d->putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
      d->putAndInsertString(DCM_PixelSpacing, "1\\1");
      d->putAndInsertString(DCM_SliceThickness, "1");
      d->putAndInsertString(DCM_FrameOfReferenceUID, (studyUid + ".1").c_str());
    }
    const auto pixels = greyPixels(image);
    d->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    d->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    d->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(image.size().y));
    d->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(image.size().x));
    d->putAndInsertUint16(DCM_BitsAllocated, 8);
    d->putAndInsertUint16(DCM_BitsStored, 8);
    d->putAndInsertUint16(DCM_HighBit, 7);
    d->putAndInsertUint16(DCM_PixelRepresentation, 0);
    d->putAndInsertUint8Array(DCM_PixelData, pixels.data(),
                              static_cast<unsigned long>(pixels.size()));
    out.push_back(DicomObject::fromDataset(d.release(), "sample image").part10);
  }
  return out;
}

}  // namespace medsight

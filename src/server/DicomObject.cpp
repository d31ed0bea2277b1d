#include "server/DicomObject.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <memory>

#include "core/Error.h"
#include "io/DicomUid.h"

namespace medsight {
namespace {

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).good()) return value.c_str();
  return {};
}

void requireUid(const std::string& value, const char* keyword, const std::string& name) {
  if (value.empty()) {
    throw Error(ErrorCode::InvalidArgument, name + ": " + keyword + " is missing");
  }
  if (!DicomObject::isValidUid(value)) {
    throw Error(ErrorCode::InvalidArgument, name + ": " + keyword + " '" +
                                                DicomObject::sanitiseUtf8(value) +
                                                "' is not a valid UID (PS3.5 9.1)");
  }
}

void check(const DicomObjectSummary& s, const std::string& name) {
  requireUid(s.sopClassUid, "SOP Class UID (0008,0016)", name);
  requireUid(s.sopInstanceUid, "SOP Instance UID (0008,0018)", name);
  requireUid(s.studyInstanceUid, "Study Instance UID (0020,000D)", name);
  requireUid(s.seriesInstanceUid, "Series Instance UID (0020,000E)", name);
}

/// Writes a file format object into memory, growing the buffer until it fits.
std::string serialise(DcmFileFormat& file, E_TransferSyntax xfer, const std::string& name) {
  std::size_t size = file.getDataset()->calcElementLength(xfer, EET_ExplicitLength) + 64 * 1024;
  for (int attempt = 0; attempt < 4; ++attempt, size *= 2) {
    std::string buffer(size, '\0');
    DcmOutputBufferStream out(buffer.data(), static_cast<offile_off_t>(buffer.size()));
    file.transferInit();
    const OFCondition status = file.write(out, xfer, EET_ExplicitLength, nullptr);
    file.transferEnd();
    if (status.good()) {
      void* data = nullptr;
      offile_off_t length = 0;
      out.flushBuffer(data, length);
      buffer.resize(static_cast<std::size_t>(length));
      return buffer;
    }
    if (status != EC_StreamNotifyClient) {
      throw Error(ErrorCode::CorruptData, name + ": cannot encode: " + status.text());
    }
  }
  throw Error(ErrorCode::Internal, name + ": encoded object does not fit its buffer");
}

}  // namespace

bool DicomObject::isValidUid(std::string_view uid) {
  return isValidDicomUid(std::string(uid));
}

std::string DicomObject::sanitiseUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size() && !(n == 1 && c < 0x20 && c != '\t');
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

DicomObjectSummary DicomObject::summarise(DcmItem& d) {
  DicomObjectSummary s;
  s.sopClassUid = text(d, DCM_SOPClassUID);
  s.sopInstanceUid = text(d, DCM_SOPInstanceUID);
  s.studyInstanceUid = text(d, DCM_StudyInstanceUID);
  s.seriesInstanceUid = text(d, DCM_SeriesInstanceUID);
  s.modality = text(d, DCM_Modality);
  s.bodyPartExamined = text(d, DCM_BodyPartExamined);
  s.photometricInterpretation = text(d, DCM_PhotometricInterpretation);
  s.patientId = text(d, DCM_PatientID);
  s.patientName = text(d, DCM_PatientName);
  s.patientBirthDate = text(d, DCM_PatientBirthDate);
  s.patientSex = text(d, DCM_PatientSex);
  s.studyDate = text(d, DCM_StudyDate);
  s.studyTime = text(d, DCM_StudyTime);
  s.accessionNumber = text(d, DCM_AccessionNumber);
  s.studyDescription = text(d, DCM_StudyDescription);
  s.seriesDescription = text(d, DCM_SeriesDescription);
  Sint32 number = 0;
  if (d.findAndGetSint32(DCM_SeriesNumber, number).good()) s.seriesNumber = number;
  if (d.findAndGetSint32(DCM_InstanceNumber, number).good()) s.instanceNumber = number;
  s.hasPixelData = d.tagExists(DCM_PixelData);
  for (auto* field : {&s.modality, &s.bodyPartExamined, &s.patientId, &s.patientName,
                      &s.studyDescription, &s.seriesDescription, &s.accessionNumber}) {
    *field = sanitiseUtf8(*field);
  }
  return s;
}

DicomObject DicomObject::parse(std::string_view bytes, const std::string& name) {
  if (bytes.size() < 8) {
    throw Error(ErrorCode::CorruptData,
                name + ": " + std::to_string(bytes.size()) + " bytes are not a DICOM object");
  }
  DcmInputBufferStream in;
  in.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  in.setEos();
  DcmFileFormat file;
  file.transferInit();
  const OFCondition status = file.read(in, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
  file.transferEnd();
  if (status.bad()) {
    throw Error(ErrorCode::CorruptData,
                name + ": not a readable DICOM object (" + std::string(status.text()) +
                    (status == EC_StreamNotifyClient ? ": truncated" : "") + ")");
  }
  DcmDataset* dataset = file.getDataset();
  DicomObject out;
  // A dataset parsed without error can still be empty (e.g. a text file that happens to look
  // like a tiny implicit-VR element); identifying UIDs decide.
  out.summary = summarise(*dataset);
  check(out.summary, name);
  const E_TransferSyntax xfer = dataset->getOriginalXfer();
  out.summary.transferSyntaxUid = DcmXfer(xfer).getXferID();
  if (file.getMetaInfo()->tagExists(DCM_TransferSyntaxUID) &&
      file.getMetaInfo()->tagExists(DCM_MediaStorageSOPInstanceUID)) {
    out.part10.assign(bytes.data(), bytes.size());  // keep the sender's bytes exactly
  } else {
    file.validateMetaInfo(xfer);
    out.part10 = serialise(file, xfer, name);
  }
  return out;
}

DicomObject DicomObject::fromDataset(DcmDataset* dataset, const std::string& name) {
  if (!dataset) throw Error(ErrorCode::CorruptData, name + ": no dataset received");
  // DcmFileFormat takes ownership of the received dataset (no copy of the pixel data).
  DcmFileFormat file(dataset, OFFalse);
  DicomObject out;
  out.summary = summarise(*file.getDataset());
  check(out.summary, name);
  E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  if (xfer == EXS_Unknown) xfer = EXS_LittleEndianExplicit;
  out.summary.transferSyntaxUid = DcmXfer(xfer).getXferID();
  file.validateMetaInfo(xfer);
  out.part10 = serialise(file, xfer, name);
  return out;
}

}  // namespace medsight

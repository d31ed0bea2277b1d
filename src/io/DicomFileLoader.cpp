#include "io/DicomFileLoader.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <vector>

#include "core/Error.h"
#include "core/MemoryBudget.h"

namespace medsight {
namespace {

std::once_flag gCodecsOnce;

std::string getString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).good()) {
    std::string s = value.c_str();
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
  }
  return {};
}

int getInt(DcmItem& item, const DcmTagKey& tag, int fallback) {
  Sint32 v = 0;
  if (item.findAndGetSint32(tag, v).good()) return static_cast<int>(v);
  Uint16 u = 0;
  if (item.findAndGetUint16(tag, u).good()) return static_cast<int>(u);
  return fallback;
}

std::vector<double> getDoubles(DcmItem& item, const DcmTagKey& tag) {
  std::vector<double> out;
  DcmElement* element = nullptr;
  if (item.findAndGetElement(tag, element).bad() || element == nullptr) return out;
  const unsigned long n = element->getVM();
  for (unsigned long i = 0; i < n && i < 64; ++i) {
    Float64 v = 0;
    if (element->getFloat64(v, i).good() && std::isfinite(v)) out.push_back(v);
  }
  return out;
}

/// Looks for `tag` inside `sequence` of a functional group item (PS3.3 C.7.6.16).
DcmItem* functionalGroupItem(DcmItem* group, const DcmTagKey& sequence) {
  if (group == nullptr) return nullptr;
  DcmItem* item = nullptr;
  if (group->findAndGetSequenceItem(sequence, item, 0).good()) return item;
  return nullptr;
}

void readFunctionalGroups(DcmDataset& ds, DicomHeader& h) {
  DcmItem* shared = nullptr;
  ds.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
  DcmSequenceOfItems* perFrame = nullptr;
  ds.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame);
  DcmItem* firstFrame = nullptr;
  if (perFrame != nullptr && perFrame->card() > 0) firstFrame = perFrame->getItem(0);

  auto fromGroups = [&](const DcmTagKey& seq) -> DcmItem* {
    if (DcmItem* i = functionalGroupItem(shared, seq)) return i;
    return functionalGroupItem(firstFrame, seq);
  };
  if (DcmItem* measures = fromGroups(DCM_PixelMeasuresSequence)) {
    const auto ps = getDoubles(*measures, DCM_PixelSpacing);
    if (ps.size() == 2 && !h.pixelSpacing) h.pixelSpacing = std::array<double, 2>{ps[0], ps[1]};
    const auto st = getDoubles(*measures, DCM_SliceThickness);
    if (!st.empty() && !h.sliceThickness) h.sliceThickness = st[0];
    const auto sb = getDoubles(*measures, DCM_SpacingBetweenSlices);
    if (!sb.empty() && !h.spacingBetweenSlices) h.spacingBetweenSlices = sb[0];
  }
  if (DcmItem* orientation = fromGroups(DCM_PlaneOrientationSequence)) {
    const auto o = getDoubles(*orientation, DCM_ImageOrientationPatient);
    if (o.size() == 6 && !h.imageOrientation) {
      h.imageOrientation = std::array<double, 6>{o[0], o[1], o[2], o[3], o[4], o[5]};
    }
  }
  if (DcmItem* transform = fromGroups(DCM_PixelValueTransformationSequence)) {
    const auto slope = getDoubles(*transform, DCM_RescaleSlope);
    const auto intercept = getDoubles(*transform, DCM_RescaleIntercept);
    if (!slope.empty() && !h.hasRescale) {
      h.rescaleSlope = slope[0];
      h.rescaleIntercept = intercept.empty() ? 0.0 : intercept[0];
      h.hasRescale = true;
      h.rescaleType = getString(*transform, DCM_RescaleType);
    }
  }
  if (DcmItem* voi = fromGroups(DCM_FrameVOILUTSequence)) {
    if (h.windowCenter.empty()) h.windowCenter = getDoubles(*voi, DCM_WindowCenter);
    if (h.windowWidth.empty()) h.windowWidth = getDoubles(*voi, DCM_WindowWidth);
  }
  if (perFrame != nullptr) {
    const unsigned long n = perFrame->card();
    for (unsigned long f = 0; f < n; ++f) {
      DcmItem* position = functionalGroupItem(perFrame->getItem(f), DCM_PlanePositionSequence);
      if (position == nullptr) {
        h.framePositions.clear();
        break;
      }
      const auto p = getDoubles(*position, DCM_ImagePositionPatient);
      if (p.size() != 3) {
        h.framePositions.clear();
        break;
      }
      h.framePositions.push_back({p[0], p[1], p[2]});
    }
  }
}

/// Deflated Explicit VR Little Endian (PS3.5 A.5): DCMTK inflates the whole data set while it
/// parses (a deflated stream cannot be re-read lazily), so a file of a few hundred kilobytes could
/// declare gigabytes of element values. The inflated size is measured first, without keeping the
/// data, and held to the memory budget.
void checkDeflatedSize(const std::filesystem::path& path, const std::string& name) {
  {
    // Cheap test first: when the meta information group ends inside the first 4 KiB (its Group
    // Length (0002,0000) follows "DICM", PS3.10 7.1) and does not hold the deflate UID, the
    // data set is not deflated and no second parse is needed.
    std::ifstream head(path, std::ios::binary);
    std::string bytes(4096, '\0');
    head.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(head.gcount()));
    if (bytes.size() >= 144 && bytes.compare(128, 4, "DICM") == 0 &&
        bytes.compare(132, 6, std::string("\x02\0\0\0UL", 6)) == 0) {
      const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + 140;
      const std::uint64_t metaEnd =
          144 + (p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint64_t{p[3]} << 24));
      if (metaEnd <= bytes.size() &&
          bytes.find(UID_DeflatedExplicitVRLittleEndianTransferSyntax) == std::string::npos) {
        return;
      }
    }
  }
  DcmFileFormat metaOnly;
  if (metaOnly.loadFile(OFFilename(name.c_str()), EXS_Unknown, EGL_noChange, 4096, ERM_metaOnly)
          .bad()) {
    return;  // the full load reports what is wrong
  }
  DcmMetaInfo* meta = metaOnly.getMetaInfo();
  OFString syntax;
  if (meta == nullptr || meta->findAndGetOFString(DCM_TransferSyntaxUID, syntax).bad() ||
      syntax != UID_DeflatedExplicitVRLittleEndianTransferSyntax) {
    return;
  }
  // The deflated stream starts after the preamble, "DICM" and the meta information group.
  const std::uint64_t offset = 132 + meta->getLength(EXS_LittleEndianExplicit, EET_ExplicitLength);
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  z_stream zs{};
  if (!in || inflateInit2(&zs, -MAX_WBITS) != Z_OK) return;
  std::vector<unsigned char> input(1 << 16), output(1 << 18);
  std::uint64_t inflated = 0;
  int status = Z_OK;
  while (status == Z_OK && in) {
    in.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(input.size()));
    zs.next_in = input.data();
    zs.avail_in = static_cast<uInt>(in.gcount());
    if (zs.avail_in == 0) break;
    do {
      zs.next_out = output.data();
      zs.avail_out = static_cast<uInt>(output.size());
      status = inflate(&zs, Z_NO_FLUSH);
      inflated += output.size() - zs.avail_out;
    } while (status == Z_OK && zs.avail_out == 0);
    if (inflated > MemoryBudget::maxImageBytes()) {
      inflateEnd(&zs);
      throw Error(ErrorCode::TooLarge,
                  name + ": deflated data set inflates to more than the memory budget of " +
                      std::to_string(MemoryBudget::maxImageBytes()) + " bytes");
    }
  }
  inflateEnd(&zs);
}

}  // namespace

void registerDicomCodecs() {
  std::call_once(gCodecsOnce, [] {
    // DCMTK logs parser warnings through oflog to stderr; MedSight reports through Error.
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

std::unique_ptr<DcmFileFormat> loadDicomFile(const std::filesystem::path& path, bool headerOnly) {
  registerDicomCodecs();
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(ErrorCode::FileNotFound, name + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileUnreadable, name + ": not a regular file");
  }
  if (!dcmDataDict.isDictionaryLoaded()) {
    throw Error(ErrorCode::Internal, "DCMTK data dictionary is not loaded (check DCMDICTPATH)");
  }
  checkDeflatedSize(path, name);
  auto file = std::make_unique<DcmFileFormat>();
  const Uint32 maxRead = headerOnly ? 4096 : DCM_MaxReadLength;
  const OFCondition status =
      file->loadFile(OFFilename(name.c_str()), EXS_Unknown, EGL_noChange, maxRead, ERM_autoDetect);
  if (status.bad()) {
    throw Error(ErrorCode::CorruptData,
                name + ": not a readable DICOM file (" + status.text() + ")");
  }
  DcmDataset* ds = file->getDataset();
  if (ds == nullptr || ds->card() == 0) {
    throw Error(ErrorCode::CorruptData, name + ": DICOM dataset is empty");
  }
  return file;
}

DicomHeader headerFromFile(DcmFileFormat& file, const std::filesystem::path& path) {
  DicomHeader h;
  h.path = path.string();
  DcmDataset& ds = *file.getDataset();
  DcmMetaInfo* meta = file.getMetaInfo();
  h.hasMetaHeader = meta != nullptr && meta->card() > 0;
  const E_TransferSyntax xfer = ds.getOriginalXfer();
  const DcmXfer x(xfer);
  h.transferSyntaxUid = x.getXferID();
  h.transferSyntaxName = x.getXferName();
  if (h.hasMetaHeader) {
    const std::string metaTs = getString(*meta, DCM_TransferSyntaxUID);
    if (!metaTs.empty()) h.transferSyntaxUid = metaTs;
  }
  h.specificCharacterSet = getString(ds, DCM_SpecificCharacterSet);
  // Names and descriptions may be in GB18030, ISO 2022 etc.; convert a copy of the relevant
  // strings to UTF-8 through DCMTK's character set support (PS3.5 6.1).
  if (!h.specificCharacterSet.empty() && h.specificCharacterSet != "ISO_IR 192") {
    DcmDataset copy;
    copy.putAndInsertOFStringArray(DCM_SpecificCharacterSet, h.specificCharacterSet.c_str());
    for (const DcmTagKey& tag : {DCM_PatientName, DCM_SeriesDescription}) {
      const std::string v = getString(ds, tag);
      if (!v.empty()) copy.putAndInsertOFStringArray(tag, v.c_str());
    }
    if (copy.convertToUTF8().good()) {
      h.patientName = getString(copy, DCM_PatientName);
      h.seriesDescription = getString(copy, DCM_SeriesDescription);
    }
  }
  if (h.patientName.empty()) h.patientName = getString(ds, DCM_PatientName);
  if (h.seriesDescription.empty()) h.seriesDescription = getString(ds, DCM_SeriesDescription);
  h.sopClassUid = getString(ds, DCM_SOPClassUID);
  h.sopInstanceUid = getString(ds, DCM_SOPInstanceUID);
  h.studyInstanceUid = getString(ds, DCM_StudyInstanceUID);
  h.seriesInstanceUid = getString(ds, DCM_SeriesInstanceUID);
  h.frameOfReferenceUid = getString(ds, DCM_FrameOfReferenceUID);
  h.modality = getString(ds, DCM_Modality);
  h.bodyPartExamined = getString(ds, DCM_BodyPartExamined);
  h.imageType = getString(ds, DCM_ImageType);
  h.burnedInAnnotation = getString(ds, DCM_BurnedInAnnotation);
  h.photometricInterpretation = getString(ds, DCM_PhotometricInterpretation);
  h.patientId = getString(ds, DCM_PatientID);
  h.studyDate = getString(ds, DCM_StudyDate);
  h.manufacturer = getString(ds, DCM_Manufacturer);
  h.acquisitionTime = getString(ds, DCM_AcquisitionTime);
  h.temporalPositionIdentifier = getInt(ds, DCM_TemporalPositionIdentifier, 0);
  h.seriesNumber = getInt(ds, DCM_SeriesNumber, 0);
  h.instanceNumber = getInt(ds, DCM_InstanceNumber, 0);
  h.rows = getInt(ds, DCM_Rows, 0);
  h.columns = getInt(ds, DCM_Columns, 0);
  h.frames = getInt(ds, DCM_NumberOfFrames, 1);
  h.samplesPerPixel = getInt(ds, DCM_SamplesPerPixel, 1);
  h.bitsAllocated = getInt(ds, DCM_BitsAllocated, 0);
  h.bitsStored = getInt(ds, DCM_BitsStored, h.bitsAllocated);
  h.highBit = getInt(ds, DCM_HighBit, h.bitsStored - 1);
  h.pixelRepresentation = getInt(ds, DCM_PixelRepresentation, 0);
  h.planarConfiguration = getInt(ds, DCM_PlanarConfiguration, 0);
  h.hasPixelData = ds.tagExists(DCM_PixelData) || ds.tagExists(DCM_FloatPixelData) ||
                   ds.tagExists(DCM_DoubleFloatPixelData);
  h.hasModalityLut = ds.tagExists(DCM_ModalityLUTSequence);

  const auto ipp = getDoubles(ds, DCM_ImagePositionPatient);
  if (ipp.size() == 3) h.imagePosition = std::array<double, 3>{ipp[0], ipp[1], ipp[2]};
  const auto iop = getDoubles(ds, DCM_ImageOrientationPatient);
  if (iop.size() == 6) {
    h.imageOrientation = std::array<double, 6>{iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]};
  }
  const auto ps = getDoubles(ds, DCM_PixelSpacing);
  if (ps.size() == 2) h.pixelSpacing = std::array<double, 2>{ps[0], ps[1]};
  const auto ips = getDoubles(ds, DCM_ImagerPixelSpacing);
  if (ips.size() == 2) h.imagerPixelSpacing = std::array<double, 2>{ips[0], ips[1]};
  const auto st = getDoubles(ds, DCM_SliceThickness);
  if (!st.empty()) h.sliceThickness = st[0];
  const auto sbs = getDoubles(ds, DCM_SpacingBetweenSlices);
  if (!sbs.empty()) h.spacingBetweenSlices = sbs[0];
  const auto ft = getDoubles(ds, DCM_FrameTime);
  if (!ft.empty()) h.frameTime = ft[0];
  const auto slope = getDoubles(ds, DCM_RescaleSlope);
  const auto intercept = getDoubles(ds, DCM_RescaleIntercept);
  if (!slope.empty()) {
    h.rescaleSlope = slope[0];
    h.rescaleIntercept = intercept.empty() ? 0.0 : intercept[0];
    h.hasRescale = true;
  } else if (!intercept.empty()) {
    h.rescaleIntercept = intercept[0];
    h.hasRescale = true;
  }
  h.rescaleType = getString(ds, DCM_RescaleType);
  h.windowCenter = getDoubles(ds, DCM_WindowCenter);
  h.windowWidth = getDoubles(ds, DCM_WindowWidth);
  h.voiLutFunction = getString(ds, DCM_VOILUTFunction);
  readFunctionalGroups(ds, h);
  return h;
}

DicomHeader readDicomHeader(const std::filesystem::path& path) {
  auto file = loadDicomFile(path, true);
  return headerFromFile(*file, path);
}

}  // namespace medsight

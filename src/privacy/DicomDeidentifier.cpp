#include "privacy/DicomDeidentifier.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <fstream>
#include <mutex>
#include <set>

#include "core/Error.h"
#include "privacy/DateShifter.h"
#include "privacy/IdentifierScrubber.h"
#include "privacy/Pseudonymizer.h"
#include "privacy/StagedOutputFile.h"

namespace medsight {
namespace {

std::string get(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  std::string out(value.c_str());
  while (!out.empty() && (out.back() == ' ' || out.back() == '\0')) out.pop_back();
  return out;
}

unsigned getUnsigned(DcmItem& item, const DcmTagKey& tag) {
  Uint16 value = 0;
  return item.findAndGetUint16(tag, value).good() ? value : 0;
}

// Attributes whose values name the patient or the people and places around them; their values
// are scrubbed from free text that the Clean options keep (PS3.15 E.3.5).
const DcmTagKey kPersonNames[] = {DCM_PatientName,
                                  DCM_OtherPatientNames,
                                  DCM_PatientBirthName,
                                  DCM_PatientMotherBirthName,
                                  DCM_ReferringPhysicianName,
                                  DCM_PerformingPhysicianName,
                                  DCM_NameOfPhysiciansReadingStudy,
                                  DCM_OperatorsName,
                                  DCM_RequestingPhysician,
                                  DCM_PhysiciansOfRecord,
                                  DCM_ResponsiblePerson};
const DcmTagKey kIdentifiers[] = {
    DCM_PatientID,        DCM_RETIRED_OtherPatientIDs, DCM_AccessionNumber,
    DCM_PatientBirthDate, DCM_InstitutionName,         DCM_InstitutionAddress,
    DCM_PatientAddress,   DCM_PatientTelephoneNumbers, DCM_RETIRED_MedicalRecordLocator,
    DCM_AdmissionID,      DCM_IssuerOfPatientID,       DCM_StudyID};

/// True if the file has the Part 10 preamble and "DICM" prefix (PS3.10 7.1); throws
/// FileUnreadable naming the file if it cannot be opened at all.
bool hasPart10Prefix(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileUnreadable, path.string() + ": cannot open for reading");
  char prefix[132] = {};
  in.read(prefix, sizeof prefix);
  return in.gcount() == sizeof prefix && std::string(prefix + 128, 4) == "DICM";
}

void registerDecoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    DcmRLEDecoderRegistration::registerCodecs();
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
  });
}

/// Blanks the rule's rectangles in every frame and sample (PS3.15 E.3.1 Clean Pixel Data).
/// Returns an empty string on success, else why it could not be done.
std::string blankRectangles(DcmDataset& dataset, const PixelCleaningRule& rule) {
  const E_TransferSyntax xfer = dataset.getOriginalXfer();
  if (DcmXfer(xfer).isEncapsulated()) {
    registerDecoders();
    if (dataset.chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad() ||
        !dataset.canWriteXfer(EXS_LittleEndianExplicit)) {
      return "compressed pixel data (" + std::string(DcmXfer(xfer).getXferName()) +
             ") cannot be decoded for cleaning";
    }
  }
  const unsigned rows = getUnsigned(dataset, DCM_Rows);
  const unsigned columns = getUnsigned(dataset, DCM_Columns);
  const unsigned bits = getUnsigned(dataset, DCM_BitsAllocated);
  const unsigned samples = std::max(1u, getUnsigned(dataset, DCM_SamplesPerPixel));
  const unsigned planar = getUnsigned(dataset, DCM_PlanarConfiguration);
  long frames = 1;
  OFString frameText;
  if (dataset.findAndGetOFString(DCM_NumberOfFrames, frameText).good()) {
    frames = std::max(1L, std::atol(frameText.c_str()));
  }
  DcmElement* pixels = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, pixels).bad() || rows == 0 || columns == 0 ||
      (bits != 8 && bits != 16)) {
    return "pixel data layout not supported for cleaning (bits allocated " + std::to_string(bits) +
           ")";
  }
  const std::size_t frameSamples = std::size_t{rows} * columns * samples;
  const std::size_t needed = frameSamples * static_cast<std::size_t>(frames);
  auto blank = [&](auto* data, std::size_t count) -> std::string {
    if (count < needed) return "pixel data shorter than Rows x Columns x Samples x Frames";
    for (long f = 0; f < frames; ++f) {
      auto* frame = data + static_cast<std::size_t>(f) * frameSamples;
      for (const auto& r : rule.rectangles) {
        for (unsigned y = r[1]; y < std::min(rows, r[1] + r[3]); ++y) {
          for (unsigned x = r[0]; x < std::min(columns, r[0] + r[2]); ++x) {
            for (unsigned s = 0; s < samples; ++s) {
              const std::size_t index =
                  planar == 1 ? std::size_t{s} * rows * columns + std::size_t{y} * columns + x
                              : (std::size_t{y} * columns + x) * samples + s;
              frame[index] = 0;
            }
          }
        }
      }
    }
    return {};
  };
  if (bits == 8) {
    Uint8* data = nullptr;
    if (pixels->getUint8Array(data).bad() || !data) return "pixel data unreadable";
    return blank(data, pixels->getLength());
  }
  Uint16* data = nullptr;
  if (pixels->getUint16Array(data).bad() || !data) return "pixel data unreadable";
  return blank(data, pixels->getLength() / 2);
}

void putSequenceItemCode(DcmItem& item, const std::string& value, const std::string& meaning) {
  item.putAndInsertString(DCM_CodeValue, value.c_str());
  item.putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
  item.putAndInsertString(DCM_CodeMeaning, meaning.c_str());
}

}  // namespace

struct DicomDeidentifier::Impl {
  Impl(DeidentificationProfile p, const KeyFile& key, SafePrivateList safe,
       BurnedInAnnotationScreen s)
      : profile(std::move(p)),
        pseudonymizer(key),
        safePrivate(std::move(safe)),
        screen(std::move(s)) {}

  DeidentificationProfile profile;
  Pseudonymizer pseudonymizer;
  SafePrivateList safePrivate;
  BurnedInAnnotationScreen screen;
  std::mutex foldersMutex;
  std::set<std::string> folders;  // created already: many files share one series folder

  void ensureFolder(const std::filesystem::path& folder) {
    {
      std::lock_guard lock(foldersMutex);
      if (folders.count(folder.string()) && std::filesystem::is_directory(folder)) return;
    }
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) {
      throw Error(ErrorCode::FileWriteFailed, folder.string() + ": cannot create: " + ec.message());
    }
    std::lock_guard lock(foldersMutex);
    folders.insert(folder.string());
  }
};

DicomDeidentifier::DicomDeidentifier(DeidentificationProfile profile, const KeyFile& key,
                                     SafePrivateList safePrivate, BurnedInAnnotationScreen screen)
    : impl_(std::make_unique<Impl>(std::move(profile), key, std::move(safePrivate),
                                   std::move(screen))) {}

DicomDeidentifier::~DicomDeidentifier() = default;

const DeidentificationProfile& DicomDeidentifier::profile() const {
  return impl_->profile;
}

DeidentifiedFile DicomDeidentifier::deidentify(const std::filesystem::path& input,
                                               const std::filesystem::path& outputRoot,
                                               const std::filesystem::path& quarantineRoot) const {
  const std::string name = input.string();
  // DCMTK reports parse problems through its own logger; MedSight reports them as errors.
  DicomDatasetRewriter::silenceDcmtkLog();
  const bool part10 = hasPart10Prefix(input);
  DcmFileFormat file;
  const OFCondition loaded =
      file.loadFile(input.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
  DcmDataset& dataset = *file.getDataset();
  DcmMetaInfo& meta = *file.getMetaInfo();
  if (loaded.bad()) {
    if (!part10 && dataset.card() < 2) {
      throw Error(ErrorCode::UnsupportedFormat,
                  name + ": not a DICOM file (" + loaded.text() + ")");
    }
    throw Error(ErrorCode::CorruptData, name + ": truncated or corrupt DICOM: " + loaded.text());
  }
  if (get(meta, DCM_MediaStorageSOPClassUID) == UID_MediaStorageDirectoryStorage) {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": DICOMDIR media directory; rebuild it from the de-identified files");
  }
  const std::string sopClass = get(dataset, DCM_SOPClassUID);
  const std::string originalSop = get(dataset, DCM_SOPInstanceUID);
  // Without a Part 10 header, accept only what looks like a composite instance: DCMTK will
  // "parse" many non-DICOM byte streams as a short implicit-VR data set.
  if (!part10 && (originalSop.empty() || sopClass.empty())) {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": not a DICOM instance (no Part 10 header, no SOP Class/Instance UID)");
  }

  DeidentifiedFile result;
  result.input = input;
  result.originalPatientId = get(dataset, DCM_PatientID);
  result.originalPatientName = get(dataset, DCM_PatientName);
  const std::string issuer = get(dataset, DCM_IssuerOfPatientID);
  // One key per patient: the pseudonym and date shift must agree across all their files.
  std::string patientKey = result.originalPatientId;
  if (patientKey.empty()) {
    patientKey = "name:" + result.originalPatientName + "|" + get(dataset, DCM_PatientBirthDate);
    if (result.originalPatientName.empty())
      patientKey = "study:" + get(dataset, DCM_StudyInstanceUID);
  }
  const auto& pseudo = impl_->pseudonymizer;
  result.pseudonym = pseudo.patientPseudonym(issuer, patientKey);

  IdentifierScrubber scrubber;
  for (const auto& tag : kPersonNames) scrubber.addIdentifier(get(dataset, tag), true);
  for (const auto& tag : kIdentifiers) scrubber.addIdentifier(get(dataset, tag), false);

  BurnedInFacts facts;
  facts.hasPixelData = dataset.tagExists(DCM_PixelData);
  facts.burnedInAnnotation = get(dataset, DCM_BurnedInAnnotation);
  facts.modality = get(dataset, DCM_Modality);
  facts.sopClassUid = sopClass;
  facts.imageType = get(dataset, DCM_ImageType);
  facts.manufacturer = get(dataset, DCM_Manufacturer);
  facts.model = get(dataset, DCM_ManufacturerModelName);
  facts.rows = getUnsigned(dataset, DCM_Rows);
  facts.columns = getUnsigned(dataset, DCM_Columns);
  const BurnedInDecision decision = impl_->screen.screen(facts);

  const DateShifter dates(pseudo.dateShiftDays(patientKey));
  DicomDatasetRewriter rewriter(impl_->profile, pseudo, impl_->safePrivate, scrubber, dates,
                                result.pseudonym);
  rewriter.rewrite(dataset);
  result.counts = rewriter.counts();

  E_TransferSyntax writeXfer = EXS_Unknown;  // keep the original encoding, pixels bit for bit
  if (decision.suspect && decision.rule) {
    const std::string problem = blankRectangles(dataset, *decision.rule);
    if (problem.empty()) {
      result.pixelsCleaned = true;
      dataset.putAndInsertString(DCM_BurnedInAnnotation, "NO");
      if (DcmXfer(dataset.getOriginalXfer()).isEncapsulated()) writeXfer = EXS_LittleEndianExplicit;
    } else {
      result.reason = decision.reason + "; cleaning rule matched but " + problem;
    }
  } else if (decision.suspect) {
    result.reason = decision.reason + "; no pixel-cleaning rule configured for " +
                    (facts.manufacturer.empty() ? std::string("this device")
                                                : facts.manufacturer + " " + facts.model);
  }

  // De-identification markers (PS3.15 E.1.1, PS3.3 C.7.1.1 Patient Identification).
  dataset.putAndInsertString(DCM_PatientIdentityRemoved, "YES");
  auto methods = impl_->profile.options();
  if (result.pixelsCleaned) methods.push_back(ConfidentialityOption::CleanPixelData);
  const DeidentificationProfile applied(methods);
  std::string methodText;
  for (const auto& v : applied.methodValues()) methodText += (methodText.empty() ? "" : "\\") + v;
  dataset.putAndInsertString(DCM_DeidentificationMethod, methodText.c_str());
  dataset.findAndDeleteElement(DCM_DeidentificationMethodCodeSequence);
  DcmItem* item = nullptr;
  dataset.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2);
  if (item) putSequenceItemCode(*item, "113100", "Basic Application Confidentiality Profile");
  for (const auto option : applied.options()) {
    item = nullptr;
    dataset.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2);
    if (item) {
      putSequenceItemCode(*item, DeidentificationProfile::optionCodeValue(option),
                          DeidentificationProfile::optionCodeMeaning(option));
    }
  }
  const char* temporal =
      applied.has(ConfidentialityOption::RetainLongitudinalFullDates)       ? "UNMODIFIED"
      : applied.has(ConfidentialityOption::RetainLongitudinalModifiedDates) ? "MODIFIED"
                                                                            : "REMOVED";
  dataset.putAndInsertString(DCM_LongitudinalTemporalInformationModified, temporal);
  if (!dataset.tagExists(DCM_PatientName))
    dataset.putAndInsertString(DCM_PatientName, result.pseudonym.c_str());
  if (!dataset.tagExists(DCM_PatientID))
    dataset.putAndInsertString(DCM_PatientID, result.pseudonym.c_str());

  // File meta: must name the new instance; sending/receiving AE titles identify the site.
  std::string sop = get(dataset, DCM_SOPInstanceUID);
  if (sop.empty()) sop = pseudo.replaceUid("file:" + std::filesystem::absolute(input).string());
  meta.putAndInsertString(DCM_MediaStorageSOPInstanceUID, sop.c_str());
  if (!sopClass.empty()) meta.putAndInsertString(DCM_MediaStorageSOPClassUID, sopClass.c_str());
  for (const auto& tag : {DCM_SourceApplicationEntityTitle, DCM_SendingApplicationEntityTitle,
                          DCM_ReceivingApplicationEntityTitle, DCM_PrivateInformationCreatorUID,
                          DCM_PrivateInformation}) {
    meta.findAndDeleteElement(tag);
  }

  result.status = result.reason.empty() ? "done" : "quarantined";
  auto folder = (result.reason.empty() ? outputRoot : quarantineRoot) / result.pseudonym;
  const std::string study = get(dataset, DCM_StudyInstanceUID);
  const std::string series = get(dataset, DCM_SeriesInstanceUID);
  folder /= study.empty() ? "unknown-study" : study;
  folder /= series.empty() ? "unknown-series" : series;
  impl_->ensureFolder(folder);
  result.output = folder / (sop + ".dcm");
  StagedOutputFile staged(result.output);
  const OFCondition saved =
      file.saveFile(staged.temporaryPath().c_str(), writeXfer, EET_ExplicitLength, EGL_recalcGL,
                    EPD_noChange, 0, 0, EWM_fileformat);
  if (saved.bad()) {
    throw Error(ErrorCode::FileWriteFailed, result.output.string() + ": " + saved.text());
  }
  staged.commit(durable_);
  if (!result.reason.empty()) {
    StagedOutputFile::writeAll(result.output.string() + ".reason.txt", result.reason + "\n");
  }
  return result;
}

}  // namespace medsight

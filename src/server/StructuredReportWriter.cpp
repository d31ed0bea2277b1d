#include "server/StructuredReportWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <cstdio>
#include <memory>

#include "core/Error.h"
#include "core/Version.h"
#include "server/ClinicalConcept.h"

namespace medsight {
namespace {

void ok(const OFCondition& c, const std::string& what) {
  if (c.bad()) throw Error(ErrorCode::Internal, "DICOM SR: " + what + ": " + c.text());
}

std::unique_ptr<DcmFileFormat> parse(const std::string& bytes) {
  DcmInputBufferStream in;
  in.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  in.setEos();
  auto file = std::make_unique<DcmFileFormat>();
  file->transferInit();
  ok(file->read(in, EXS_Unknown, EGL_noChange, DCM_MaxReadLength), "source instance");
  file->transferEnd();
  return file;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

}  // namespace

DicomObject StructuredReportWriter::write(const std::string& sourcePart10,
                                          const std::vector<DicomObjectSummary>& evidence,
                                          const std::vector<FindingRecord>& findings,
                                          const StructuredReportOptions& options) {
  auto source = parse(sourcePart10);
  DcmDataset& sourceData = *source->getDataset();

  TID1500_MeasurementReport report(CMR_CID7021::ImagingMeasurementReport);
  ok(report.setLanguage(CID5000_Languages::English), "language");
  const std::string model = findings.empty() ? "MedSight" : findings.front().modelName;
  const std::string version = findings.empty() ? kVersion : findings.front().modelVersion;
  char deviceUid[100];
  dcmGenerateUniqueIdentifier(deviceUid, SITE_INSTANCE_UID_ROOT);
  ok(report.getObservationContext().addDeviceObserver(deviceUid, "MedSight " + OFString(kVersion),
                                                      "MedSight", model.c_str()),
     "device observer");
  if (!options.signedBy.empty()) {
    ok(report.getObservationContext().addPersonObserver(options.signedBy.c_str()),
       "person observer");
  }
  ok(report.addProcedureReported(DSRCodedEntryValue("363679005", "SCT", "Imaging")), "procedure");

  // Image library (TID 1600): the instances the model read.
  if (!report.getImageLibrary().hasImageLibrary()) {
    ok(report.getImageLibrary().createNewImageLibrary(), "image library");
  }
  ok(report.getImageLibrary().addImageGroup(), "image library group");
  for (const auto& e : evidence) {
    DcmDataset item;
    item.putAndInsertString(DCM_SOPClassUID, e.sopClassUid.c_str());
    item.putAndInsertString(DCM_SOPInstanceUID, e.sopInstanceUid.c_str());
    item.putAndInsertString(DCM_Modality, e.modality.c_str());
    ok(report.getImageLibrary().addImageEntry(item, TID1600_ImageLibrary::withoutDescriptors),
       "image library entry");
  }

  const DSRCodedEntryValue present("52101004", "SCT", "Present");
  const DSRCodedEntryValue absent("2667000", "SCT", "Absent");
  bool first = true;
  for (const auto& f : findings) {
    const ClinicalConcept clinical = ClinicalConcept::lookup(f.conceptId);
    ok(report.addIndividualMeasurements(!first), "measurement group");
    first = false;
    auto& group = report.getIndividualMeasurements();
    ok(group.setTrackingIdentifier((f.conceptId + " (" + f.modelName + ")").c_str()),
       "tracking id");
    char trackingUid[100];
    dcmGenerateUniqueIdentifier(trackingUid, SITE_INSTANCE_UID_ROOT);
    ok(group.setTrackingUniqueIdentifier(trackingUid), "tracking uid");
    const DSRCodedEntryValue findingCode(clinical.snomedCode.c_str(), "SCT",
                                         clinical.display.c_str());
    ok(group.setFinding(findingCode), "finding");
    ok(group.addFindingSite(
           DSRCodedEntryValue(clinical.siteCode.c_str(), "SCT", clinical.siteDisplay.c_str())),
       "finding site");
    // The probability is not a size or intensity (CID 7469 is extensible): values unchecked.
    const CMR_TID1501_in_TID1500::MeasurementValue probability(number(f.probability).c_str(),
                                                               CMR_CID7181(CMR_CID7181::NoUnits));
    ok(group.addMeasurement(CMR_CID7469(DSRCodedEntryValue(CODE_DCM_Probability)), probability,
                            OFTrue, OFFalse),
       "probability");
    ok(group.addQualitativeEvaluation(findingCode, f.positive ? present : absent), "AI result");
    ok(group.addQualitativeEvaluation(DSRCodedEntryValue("111001", "DCM", "Algorithm Name"),
                                      f.modelName.c_str()),
       "algorithm name");
    ok(group.addQualitativeEvaluation(DSRCodedEntryValue("111003", "DCM", "Algorithm Version"),
                                      f.modelVersion.c_str()),
       "algorithm version");
    ok(group.addQualitativeEvaluation(
           DSRCodedEntryValue("111002", "DCM", "Algorithm Parameters"),
           ("weights sha256=" + f.weightsSha256 + " threshold=" + number(f.threshold)).c_str()),
       "algorithm parameters");
    if (f.status != "proposed") {
      const bool doctorSaysPresent = f.doctorPresent.value_or(f.positive);
      ok(group.addQualitativeEvaluation(DSRCodedEntryValue("121071", "DCM", "Finding"),
                                        ("reviewed by " + f.reviewedBy + ": " + f.status + ", " +
                                         (doctorSaysPresent ? "present" : "absent") +
                                         (f.doctorComment.empty() ? "" : "; " + f.doctorComment))
                                            .c_str()),
         "review");
    }
  }
  if (!options.reportText.empty()) {
    ok(report.addQualitativeEvaluation(DSRCodedEntryValue("121073", "DCM", "Impression"),
                                       options.reportText.c_str()),
       "impression");
  }
  if (!report.isValid()) throw Error(ErrorCode::Internal, "DICOM SR: TID 1500 content incomplete");

  DSRDocument document;
  ok(document.setTreeFromRootTemplate(report, OFTrue /*expand*/), "document tree");
  ok(document.readPatientData(sourceData), "patient module");
  ok(document.readStudyData(sourceData), "study module");
  ok(document.setSpecificCharacterSet("ISO_IR 192"), "character set");
  ok(document.setSeriesDescription(options.seriesDescription.c_str()), "series description");
  ok(document.setSeriesNumber(std::to_string(options.seriesNumber).c_str()), "series number");
  ok(document.setManufacturer("MedSight"), "manufacturer");
  ok(document.setSoftwareVersions(kVersion), "software versions");
  for (const auto& e : evidence) {
    ok(document.getCurrentRequestedProcedureEvidence().addItem(
           e.studyInstanceUid.c_str(), e.seriesInstanceUid.c_str(), e.sopClassUid.c_str(),
           e.sopInstanceUid.c_str()),
       "evidence");
  }
  if (options.signedBy.empty()) {
    ok(document.setPreliminaryFlag(DSRTypes::PF_Preliminary), "preliminary flag");
  } else {
    ok(document.setPreliminaryFlag(DSRTypes::PF_Final), "final flag");
    ok(document.completeDocument(), "completion");
    ok(document.verifyDocument(options.signedBy.c_str(), "MedSight"), "verification");
  }
  auto dataset = std::make_unique<DcmDataset>();
  ok(document.write(*dataset), "encoding");
  return DicomObject::fromDataset(dataset.release(), "DICOM SR");
}

}  // namespace medsight

#include "server/FhirReportBuilder.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/Sha256.h"
#include "server/ClinicalConcept.h"

namespace medsight {
namespace {

/// A stable urn:uuid for a resource, derived from what it describes (RFC 4122 layout).
std::string resourceUuid(const std::string& seed) {
  std::string h = Sha256::ofString(seed).substr(0, 32);
  h[12] = '5';
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

std::string isoTime(std::int64_t millis) {
  const std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

/// DICOM DA (YYYYMMDD) to FHIR date (YYYY-MM-DD), or empty.
std::string fhirDate(const std::string& da) {
  if (da.size() != 8) return {};
  return da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2);
}

nlohmann::json snomed(const std::string& code, const std::string& display) {
  return {
      {"coding", {{{"system", "http://snomed.info/sct"}, {"code", code}, {"display", display}}}},
      {"text", display}};
}

}  // namespace

nlohmann::json FhirReportBuilder::build(const StudyResults& r) {
  const bool signedReport = r.study.state == "signed";
  const std::string reportId = resourceUuid("report:" + r.study.studyUid);
  nlohmann::json entries = nlohmann::json::array();
  nlohmann::json resultRefs = nlohmann::json::array();
  const nlohmann::json subject{{"identifier", {{"value", r.study.patientId}}},
                               {"display", r.study.patientName}};
  for (const auto& f : r.findings) {
    const ClinicalConcept clinical = ClinicalConcept::lookup(f.conceptId);
    const bool reviewed = f.status != "proposed";
    const bool present = f.doctorPresent.value_or(f.positive);
    const std::string id = resourceUuid("finding:" + r.study.studyUid + ":" + std::to_string(f.id));
    nlohmann::json observation{
        {"resourceType", "Observation"},
        {"status", signedReport ? "final"
                   : reviewed   ? "amended"
                                : "preliminary"},
        {"category",
         {{{"coding",
            {{{"system", "http://terminology.hl7.org/CodeSystem/observation-category"},
              {"code", "imaging"}}}}}}},
        {"code", snomed(clinical.snomedCode, clinical.display)},
        {"subject", subject},
        {"bodySite", snomed(clinical.siteCode, clinical.siteDisplay)},
        {"valueCodeableConcept",
         present ? snomed("52101004", "Present") : snomed("2667000", "Absent")},
        {"method",
         {{"text", reviewed ? "AI-assisted, reviewed by " + f.reviewedBy + " (" + f.status + ")"
                            : "AI (not yet reviewed by a doctor)"}}},
        {"device", {{"display", f.modelName + " " + f.modelVersion}}},
        {"component",
         {{{"code", {{"text", "AI probability (calibrated)"}}},
           {"valueQuantity",
            {{"value", f.probability},
             {"unit", "probability"},
             {"system", "http://unitsofmeasure.org"},
             {"code", "1"}}}},
          {{"code", {{"text", "AI operating threshold"}}},
           {"valueQuantity",
            {{"value", f.threshold},
             {"unit", "probability"},
             {"system", "http://unitsofmeasure.org"},
             {"code", "1"}}}}}},
        {"note", {{{"text", "model weights sha256 " + f.weightsSha256}}}},
        {"issued", isoTime(f.updatedAt ? f.updatedAt : f.createdAt)}};
    if (!f.doctorComment.empty()) observation["note"].push_back({{"text", f.doctorComment}});
    resultRefs.push_back({{"reference", id}});
    entries.push_back({{"fullUrl", id}, {"resource", observation}});
  }
  nlohmann::json report{
      {"resourceType", "DiagnosticReport"},
      {"status", signedReport ? "final" : "preliminary"},
      {"category",
       {{{"coding",
          {{{"system", "http://terminology.hl7.org/CodeSystem/v2-0074"},
            {"code", "RAD"},
            {"display", "Radiology"}}}}}}},
      {"code",
       {{"coding",
         {{{"system", "http://loinc.org"},
           {"code", "18748-4"},
           {"display", "Diagnostic imaging study"}}}}}},
      {"subject", subject},
      {"issued", isoTime(signedReport ? r.study.signedAt : r.study.updatedAt)},
      {"result", resultRefs},
      {"imagingStudy",
       {{{"identifier", {{"system", "urn:dicom:uid"}, {"value", "urn:oid:" + r.study.studyUid}}}}}},
      {"conclusion", r.study.reportText.empty()
                         ? std::string("AI-assisted results; see observations")
                         : r.study.reportText}};
  if (const auto date = fhirDate(r.study.studyDate); !date.empty())
    report["effectiveDateTime"] = date;
  if (signedReport) report["resultsInterpreter"] = {{{"display", r.study.signedBy}}};
  if (!r.study.accessionNumber.empty()) {
    report["identifier"] = {
        {{"type", {{"text", "Accession Number"}}}, {"value", r.study.accessionNumber}}};
  }
  entries.insert(entries.begin(), nlohmann::json{{"fullUrl", reportId}, {"resource", report}});
  return {{"resourceType", "Bundle"},
          {"type", "collection"},
          {"timestamp", isoTime(r.study.updatedAt)},
          {"entry", entries}};
}

}  // namespace medsight

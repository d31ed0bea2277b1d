#include "server/ReportRoutes.h"

#include "core/Error.h"
#include "server/DoctorReportPage.h"
#include "server/FhirReportBuilder.h"
#include "server/PatientSummaryBuilder.h"
#include "server/RequestAudit.h"
#include "server/StructuredReportWriter.h"
#include "server/StudyResults.h"

namespace medsight {

void ReportRoutes::install(ApiRouter& router, ServerServices& s) {
  router.add(
      {"GET", "/api/studies/{uid}/reports/sr",
       "DICOM SR (TID 1500) of the findings: preliminary until signed, then final and verified",
       Access::Permission, Permission::ExportIdentified, "", "application/dicom",
       [&s](const ApiRequest& r) {
         const auto results = StudyResults::load(*s.studies, *s.findings, r.params.at(0));
         std::string source;
         std::vector<DicomObjectSummary> evidence;
         for (const auto& series : results.series) {
           if (series.origin != "acquired") continue;
           for (const auto& instance : s.studies->instancesOf(series.id)) {
             if (source.empty()) source = s.files->read(instance.fileName);
             DicomObjectSummary e;
             e.studyInstanceUid = results.study.studyUid;
             e.seriesInstanceUid = series.seriesUid;
             e.sopClassUid = instance.sopClassUid;
             e.sopInstanceUid = instance.sopUid;
             e.modality = series.modality;
             evidence.push_back(e);
           }
         }
         if (source.empty())
           throw Error(ErrorCode::NotFound,
                       "study " + results.study.studyUid + ": no acquired images");
         StructuredReportOptions options;
         if (results.study.state == "signed") options.signedBy = results.study.signedBy;
         options.reportText = results.study.reportText;
         ApiResponse out;
         out.body =
             StructuredReportWriter::write(source, evidence, results.findings, options).part10;
         out.contentType = "application/dicom";
         RequestAudit::record(s, r, "110106", "Export", 'R', results.study.studyUid, "DICOM SR");
         return out;
       }});

  router.add({"GET", "/api/studies/{uid}/reports/fhir",
              "FHIR R4 Bundle: DiagnosticReport + Observations", Access::Permission,
              Permission::ExportIdentified, "", "application/fhir+json", [&s](const ApiRequest& r) {
                const auto results = StudyResults::load(*s.studies, *s.findings, r.params.at(0));
                auto out = ApiResponse::json(FhirReportBuilder::build(results));
                out.contentType = "application/fhir+json";
                RequestAudit::record(s, r, "110106", "Export", 'R', results.study.studyUid, "FHIR");
                return out;
              }});

  router.add({"GET", "/api/studies/{uid}/reports/html", "Printable report for the doctor",
              Access::Permission, Permission::ViewIdentifiedStudy, "", "text/html",
              [&s](const ApiRequest& r) {
                const auto results = StudyResults::load(*s.studies, *s.findings, r.params.at(0));
                ApiResponse out;
                out.body = DoctorReportPage::render(results);
                out.contentType = "text/html; charset=utf-8";
                RequestAudit::record(s, r, "110103", "DICOM Instances Accessed", 'R',
                                     results.study.studyUid, "report");
                return out;
              }});

  router.add({"GET", "/api/studies/{uid}/reports/summary",
              "Plain-language patient summary of a signed study (?lang=en|zh)", Access::Permission,
              Permission::ViewIdentifiedStudy, "", "application/json", [&s](const ApiRequest& r) {
                const auto results = StudyResults::load(*s.studies, *s.findings, r.params.at(0));
                const auto summary =
                    PatientSummaryBuilder::build(results, r.queryValue("lang", "en"));
                RequestAudit::record(s, r, "110106", "Export", 'R', results.study.studyUid,
                                     "patient summary " + r.queryValue("lang", "en"));
                return ApiResponse::json(summary);
              }});
}

}  // namespace medsight

#include "server/StudyRoutes.h"

#include <set>

#include "core/Error.h"
#include "server/RequestAudit.h"
#include "server/StudyViews.h"
#include "server/UploadReader.h"

namespace medsight {
namespace {

/// A study in a list (worklist or study list): the role's view of the study, its AI findings
/// in brief and the modalities of its acquired series (the reader's worklist columns).
nlohmann::json listRow(ServerServices& s, const StudyRecord& study, Role role) {
  auto j = StudyViews::study(study, role, s.key);
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : s.findings->findingsOf(study.id)) {
    findings.push_back({{"id", f.id},
                        {"concept", f.conceptId},
                        {"probability", f.probability},
                        {"positive", f.positive},
                        {"status", f.status}});
  }
  j["findings"] = findings;
  std::set<std::string> modalities;
  for (const auto& x : s.studies->seriesOf(study.id))
    if (x.origin == "acquired" && !x.modality.empty()) modalities.insert(x.modality);
  j["modalities"] = modalities;
  return j;
}

}  // namespace

void StudyRoutes::install(ApiRouter& router, ServerServices& s) {
  router.add({"POST", "/api/studies", "Upload DICOM instances (one Part 10 file, or a zip of them)",
              Access::Permission, Permission::ImportStudy, "application/dicom, application/zip",
              "application/json", [&s](const ApiRequest& r) {
                // Every object is parsed and checked before the first is stored.
                const auto contents =
                    UploadReader::read(r.body, "upload", s.config->maxUploadBytes);
                nlohmann::json stored = nlohmann::json::array(),
                               duplicates = nlohmann::json::array();
                std::set<std::string> studies;
                for (const auto& object : contents.objects) {
                  const auto outcome = s.ingest->ingest(object, "upload:" + r.user->username);
                  (outcome.stored ? stored : duplicates).push_back(outcome.sopInstanceUid);
                  studies.insert(outcome.studyInstanceUid);
                }
                for (const auto& uid : studies) {
                  RequestAudit::record(s, r, "110107", "Import", 'C', uid,
                                       "instances=" + std::to_string(contents.objects.size()));
                }
                return ApiResponse::json({{"stored", stored},
                                          {"duplicates", duplicates},
                                          {"skipped", contents.skipped},
                                          {"studies", studies}},
                                         stored.empty() ? 200 : 201);
              }});

  router.add({"GET", "/api/studies",
              "List studies, newest first, with AI findings in brief (?limit, ?offset)",
              Access::Permission, Permission::ViewDeidentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& study :
                     s.studies->listStudies(r.integerQuery("limit", 100, 1000),
                                            r.integerQuery("offset", 0, 1LL << 40))) {
                  out.push_back(listRow(s, study, r.user->role));
                }
                return ApiResponse::json({{"studies", out}});
              }});

  router.add({"GET", "/api/studies/{uid}",
              "One study with its series, findings, reviews and outputs", Access::Permission,
              Permission::ViewDeidentifiedStudy, "", "application/json", [&s](const ApiRequest& r) {
                const auto study = s.studies->requireStudy(r.params.at(0));
                nlohmann::json series = nlohmann::json::array(), findings = nlohmann::json::array(),
                               outputs = nlohmann::json::array(), jobs = nlohmann::json::array();
                for (const auto& x : s.studies->seriesOf(study.id)) {
                  series.push_back(StudyViews::series(x));
                  if (auto job = s.jobs->jobOfSeries(x.id)) jobs.push_back(StudyViews::job(*job));
                }
                for (const auto& f : s.findings->findingsOf(study.id))
                  findings.push_back(StudyViews::finding(f));
                for (const auto& o : s.findings->outputsOf(study.id))
                  outputs.push_back(StudyViews::output(o));
                nlohmann::json out{{"study", StudyViews::study(study, r.user->role, s.key)},
                                   {"series", series},
                                   {"findings", findings},
                                   {"outputs", outputs},
                                   {"jobs", jobs}};
                if (AccessPolicy::allows(r.user->role, Permission::ViewIdentifiedStudy)) {
                  nlohmann::json reviews = nlohmann::json::array();
                  for (const auto& v : s.findings->reviewsOf(study.id))
                    reviews.push_back(StudyViews::review(v));
                  out["reviews"] = reviews;
                  RequestAudit::record(s, r, "110103", "DICOM Instances Accessed", 'R',
                                       study.studyUid, "study view");
                }
                return ApiResponse::json(out);
              }});

  router.add({"GET", "/api/worklist",
              "Triage worklist: AI-positive studies first (by probability), then those needing a "
              "reading, then AI-negative; oldest first within a tier (?all=1 includes signed)",
              Access::Permission, Permission::ViewIdentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& study : s.studies->worklist(r.queryValue("all") == "1",
                                                             r.integerQuery("limit", 200, 1000))) {
                  out.push_back(listRow(s, study, r.user->role));
                }
                return ApiResponse::json({{"worklist", out}});
              }});

  router.add({"GET", "/api/jobs",
              "Analysis jobs, newest first (?state=pending|running|done|not_analysed|failed)",
              Access::Permission, Permission::ViewDeidentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                const std::string state = r.queryValue("state");
                static const std::set<std::string> states{"",     "pending",      "running",
                                                          "done", "not_analysed", "failed"};
                if (!states.count(state))
                  throw Error(ErrorCode::InvalidArgument,
                              "/api/jobs: unknown state '" + state + "'");
                nlohmann::json out = nlohmann::json::array();
                for (const auto& j : s.jobs->list(state, r.integerQuery("limit", 200, 1000)))
                  out.push_back(StudyViews::job(j));
                return ApiResponse::json({{"jobs", out}});
              }});

  router.add({"GET", "/api/instances/{sop_uid}", "Download one stored instance (DICOM Part 10)",
              Access::Permission, Permission::ViewIdentifiedStudy, "", "application/dicom",
              [&s](const ApiRequest& r) {
                const auto instance = s.studies->findInstance(r.params.at(0));
                if (!instance)
                  throw Error(ErrorCode::NotFound, "instance " + r.params.at(0) + ": not stored");
                ApiResponse out;
                out.body = s.files->read(instance->fileName);
                out.contentType = "application/dicom";
                const auto series = s.studies->seriesById(instance->seriesId);
                const auto study = s.studies->studyById(series.studyId);
                RequestAudit::record(s, r, "110106", "Export", 'R', study.studyUid,
                                     "instance=" + instance->sopUid);
                return out;
              }});
}

}  // namespace medsight

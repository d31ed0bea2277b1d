#include "server/ReviewRoutes.h"

#include "core/Error.h"
#include "language/FindingComparator.h"
#include "server/RequestAudit.h"
#include "server/StudyViews.h"

namespace medsight {
namespace {

std::int64_t findingId(const std::string& text) {
  try {
    std::size_t used = 0;
    const long long id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::InvalidArgument, "finding id '" + text + "': not a positive integer");
}

template <class T>
T field(const nlohmann::json& body, const char* key, const std::string& route, bool required,
        T fallback = T()) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) throw Error(ErrorCode::BadJson, route + ": \"" + key + "\" is required");
    return fallback;
  }
  try {
    return body[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::BadJson, route + ": \"" + key + "\" has the wrong type");
  }
}

}  // namespace

void ReviewRoutes::install(ApiRouter& router, ServerServices& s) {
  router.add({"GET", "/api/studies/{uid}/findings", "AI findings of a study with their review",
              Access::Permission, Permission::ViewDeidentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                const auto study = s.studies->requireStudy(r.params.at(0));
                nlohmann::json out = nlohmann::json::array();
                for (const auto& f : s.findings->findingsOf(study.id))
                  out.push_back(StudyViews::finding(f));
                return ApiResponse::json({{"findings", out}});
              }});

  router.add({"POST", "/api/findings/{id}/review",
              "Review a finding: {\"action\": \"accept\"|\"reject\"|\"edit\", \"present\": bool "
              "(edit), \"comment\": text}",
              Access::Permission, Permission::WriteReport, "application/json", "application/json",
              [&s](const ApiRequest& r) {
                const std::string route = "POST /api/findings/" + r.params.at(0) + "/review";
                const auto body = r.jsonBody(static_cast<std::size_t>(s.config->maxJsonBytes));
                const auto action = field<std::string>(body, "action", route, true);
                std::optional<bool> present;
                if (body.contains("present") && !body["present"].is_null())
                  present = field<bool>(body, "present", route, true);
                const auto comment = field<std::string>(body, "comment", route, false);
                const auto id = findingId(r.params.at(0));
                const auto before = s.findings->finding(id);
                const auto study = s.studies->studyById(before.studyId);
                AccessPolicy::requireStudyAccess(r.user->role, true, study.studyUid);
                const auto after =
                    s.findings->review(id, r.user->username, action, present, comment);
                RequestAudit::record(s, r, "110110", "Patient Record", 'U', study.studyUid,
                                     "finding #" + std::to_string(id) + " " + action +
                                         (present ? (*present ? " present" : " absent") : ""));
                return ApiResponse::json({{"finding", StudyViews::finding(after)}});
              }});

  router.add(
      {"PUT", "/api/studies/{uid}/report",
       "Set the doctor's report text {\"text\": ...}; returns AI–doctor agreement per concept",
       Access::Permission, Permission::WriteReport, "application/json", "application/json",
       [&s](const ApiRequest& r) {
         const std::string route = "PUT /api/studies/" + r.params.at(0) + "/report";
         const auto body = r.jsonBody(static_cast<std::size_t>(s.config->maxJsonBytes));
         const auto text = field<std::string>(body, "text", route, true);
         const auto study = s.studies->requireStudy(r.params.at(0));
         nlohmann::json comparison = nullptr;
         if (s.extractor) {
           std::vector<AiFinding> ai;
           for (const auto& f : s.findings->findingsOf(study.id))
             ai.push_back({f.conceptId, f.probability, f.threshold});
           // Throws InvalidArgument (400) for invalid UTF-8 before anything is stored.
           comparison = FindingComparator(*s.extractor).compare(ai, text).toJson();
         }
         s.findings->setReportText(study.id, r.user->username, text);
         RequestAudit::record(s, r, "110110", "Patient Record", 'U', study.studyUid,
                              "report text, " + std::to_string(text.size()) + " bytes");
         return ApiResponse::json({{"study_uid", study.studyUid}, {"comparison", comparison}});
       }});

  router.add(
      {"POST", "/api/studies/{uid}/sign", "Sign the study's report (every finding reviewed first)",
       Access::Permission, Permission::SignReport, "", "application/json",
       [&s](const ApiRequest& r) {
         const auto study = s.studies->requireStudy(r.params.at(0));
         const auto signedStudy = s.findings->sign(study.id, r.user->username);
         RequestAudit::record(s, r, "110110", "Patient Record", 'U', study.studyUid, "signed");
         return ApiResponse::json({{"study", StudyViews::study(signedStudy, r.user->role, s.key)}});
       }});
}

}  // namespace medsight

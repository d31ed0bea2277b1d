#include "server/ViewerRoutes.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/Error.h"
#include "server/RequestAudit.h"

namespace medsight {
namespace {

/// One audit record (DICOM PS3.15 A.5 message as stored by AuditLog) reduced to what a reader
/// of the study's history needs; null when the record does not name `studyUid`.
nlohmann::json historyEntry(const nlohmann::json& record, const std::string& studyUid) {
  const auto& event = record.value("event", nlohmann::json::object());
  std::string detail;
  bool concerns = false;
  for (const auto& object :
       event.value("ParticipantObjectIdentification", nlohmann::json::array())) {
    if (object.value("ParticipantObjectID", "") == studyUid) {
      concerns = true;
      detail = object.value("ParticipantObjectDetail", "");
    }
  }
  if (!concerns) return nullptr;
  const auto& id = event.value("EventIdentification", nlohmann::json::object());
  nlohmann::json who = nlohmann::json::object();
  const auto participants = event.value("ActiveParticipant", nlohmann::json::array());
  if (!participants.empty()) who = participants.front();
  return {{"seq", record.value("seq", 0)},
          {"at", id.value("EventDateTime", "")},
          {"event", id.value("EventID", nlohmann::json::object()).value("displayName", "")},
          {"action", id.value("EventActionCode", "")},
          {"outcome", id.value("EventOutcomeIndicator", 0)},
          {"request", id.value("EventTypeCode", "")},
          {"user", who.value("UserID", "")},
          {"role", who.value("RoleIDCode", "")},
          {"detail", detail}};
}

}  // namespace

void ViewerRoutes::install(ApiRouter& router, ServerServices& s) {
  router.add({"GET", "/api/series/{uid}/instances",
              "Instances of a series in instance-number order (for the viewer to load)",
              Access::Permission, Permission::ViewIdentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                const auto series = s.studies->findSeries(r.params.at(0));
                if (!series)
                  throw Error(ErrorCode::NotFound, "series " + r.params.at(0) + ": not stored");
                auto instances = s.studies->instancesOf(series->id);
                std::stable_sort(instances.begin(), instances.end(),
                                 [](const InstanceRecord& a, const InstanceRecord& b) {
                                   return a.instanceNumber < b.instanceNumber;
                                 });
                nlohmann::json out = nlohmann::json::array();
                for (const auto& i : instances) {
                  out.push_back({{"sop_instance_uid", i.sopUid},
                                 {"sop_class_uid", i.sopClassUid},
                                 {"instance_number", i.instanceNumber}});
                }
                return ApiResponse::json({{"series_uid", series->seriesUid},
                                          {"modality", series->modality},
                                          {"instances", out}});
              }});

  router.add({"GET", "/api/studies/{uid}/audit",
              "Audit history of one study (who viewed, reviewed, signed or exported it), oldest "
              "first",
              Access::Permission, Permission::ViewIdentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                const auto study = s.studies->requireStudy(r.params.at(0));
                nlohmann::json out = nlohmann::json::array();
                if (s.audit) {
                  for (const auto& line : s.audit->records()) {
                    const auto record = nlohmann::json::parse(line, nullptr, false);
                    if (record.is_discarded() || !record.is_object()) continue;
                    auto entry = historyEntry(record, study.studyUid);
                    if (!entry.is_null()) out.push_back(std::move(entry));
                  }
                }
                return ApiResponse::json({{"study_uid", study.studyUid}, {"history", out}});
              }});

  router.add({"GET", "/api/models/{name}/card",
              "The model card (Markdown) and manifest summary of an installed model",
              Access::Permission, Permission::ViewDeidentifiedStudy, "", "application/json",
              [&s](const ApiRequest& r) {
                const std::string name = r.params.at(0);
                static const std::regex safe("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
                if (!std::regex_match(name, safe) || name.find("..") != std::string::npos)
                  throw Error(ErrorCode::InvalidArgument, "model name '" + name + "': not valid");
                const auto folder = s.config->modelsDir / name;
                std::ifstream card(folder / "MODEL_CARD.md", std::ios::binary);
                if (!card)
                  throw Error(ErrorCode::NotFound, "model " + name + ": no model card installed");
                std::ostringstream text;
                text << card.rdbuf();
                nlohmann::json manifest = nullptr;
                if (std::ifstream m(folder / "manifest.json"); m) {
                  manifest = nlohmann::json::parse(m, nullptr, false);
                  if (manifest.is_discarded()) manifest = nullptr;
                }
                nlohmann::json summary = nlohmann::json::object();
                if (manifest.is_object()) {
                  for (const char* key : {"name", "version", "description", "task", "labels",
                                          "operating_point", "calibration", "accepts"}) {
                    if (manifest.contains(key)) summary[key] = manifest[key];
                  }
                }
                return ApiResponse::json(
                    {{"name", name}, {"markdown", text.str()}, {"manifest", summary}});
              }});
}

}  // namespace medsight

#include "server/RequestAudit.h"

namespace medsight {

void RequestAudit::record(ServerServices& services, const ApiRequest& request,
                          const std::string& eventId, const std::string& eventName, char action,
                          const std::string& studyUid, const std::string& detail, int outcome) {
  if (!services.audit) return;
  AuditEvent e;
  e.eventId = eventId;
  e.eventName = eventName;
  e.action = action;
  e.outcome = outcome;
  e.eventType = request.method + " " + request.path;
  AuditParticipant who;
  who.userId = request.user ? request.user->username : "anonymous";
  who.userName = request.user ? request.user->displayName : "";
  who.role = request.user ? AccessPolicy::roleName(request.user->role) : "";
  who.networkAccessPoint = request.peer;
  e.participants.push_back(who);
  if (!studyUid.empty() || !detail.empty()) {
    e.objects.push_back({.idTypeCode = "110180", .id = studyUid, .name = "", .detail = detail});
  }
  services.audit->record(e);
}

}  // namespace medsight

#pragma once

#include <string>

#include "server/ApiRouter.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief Audit records of REST actions (PS3.15 A.5 event codes from DCM CID 400), each with
/// the user, role and client address: who did what to which study, with which outcome.
class RequestAudit {
 public:
  /// \brief Records one action: `eventId`/`eventName` from CID 400 (e.g. "110110" Patient
  /// Record, "110106" Export, "110107" Import, "110114" User Authentication), `action` C/R/U/D/E.
  static void record(ServerServices& services, const ApiRequest& request,
                     const std::string& eventId, const std::string& eventName, char action,
                     const std::string& studyUid, const std::string& detail, int outcome = 0);
};

}  // namespace medsight

#pragma once

#include "server/RestServer.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief REST routes for the system: health, metrics, OpenAPI document, login/logout, the
/// current user, user accounts and the audit trail.
class SystemRoutes {
 public:
  /// \brief Registers the routes (the OpenAPI route documents every route of `server`).
  static void install(RestServer& server, ServerServices& services);
};

}  // namespace medsight

#pragma once

#include "server/ApiRouter.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief REST routes for the doctor's review: findings, accept/reject/edit, report text
/// (compared with the AI findings), sign. Every step is audited with the user.
class ReviewRoutes {
 public:
  /// \brief Registers the routes.
  static void install(ApiRouter& router, ServerServices& services);
};

}  // namespace medsight

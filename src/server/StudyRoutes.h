#pragma once

#include "server/ApiRouter.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief REST routes for studies: upload (DICOM or zip), list, detail, worklist, jobs and
/// instance download.
class StudyRoutes {
 public:
  /// \brief Registers the routes.
  static void install(ApiRouter& router, ServerServices& services);
};

}  // namespace medsight

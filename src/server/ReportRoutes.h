#pragma once

#include "server/ApiRouter.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief REST routes for results: DICOM SR (TID 1500), FHIR R4 bundle, doctor report
/// (HTML), patient summary (English or Chinese, signed studies only).
class ReportRoutes {
 public:
  /// \brief Registers the routes.
  static void install(ApiRouter& router, ServerServices& services);
};

}  // namespace medsight

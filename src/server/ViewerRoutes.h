#pragma once

#include "server/ApiRouter.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief REST routes the web review station needs beside the study routes: the instances of a
/// series (for the viewer to fetch slice by slice), a study's audit history, and model cards.
class ViewerRoutes {
 public:
  /// \brief Registers the routes.
  static void install(ApiRouter& router, ServerServices& services);
};

}  // namespace medsight

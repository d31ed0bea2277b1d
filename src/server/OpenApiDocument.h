#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "server/ApiRouter.h"

namespace medsight {

/// \brief The OpenAPI 3.0 description of the REST API, generated from the registered routes
/// (paths, path parameters, summaries, media types, bearer security, the error schema with
/// the statuses of the error table), so the document cannot drift from the server.
class OpenApiDocument {
 public:
  /// \brief The document.
  static nlohmann::json build(const std::vector<ApiRoute>& routes);
};

}  // namespace medsight

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "privacy/AccessPolicy.h"

namespace medsight {

/// \brief The authenticated caller of a request.
struct ApiUser {
  std::string username;
  std::string displayName;
  Role role = Role::Researcher;
  std::string tokenHash;
};

/// \brief One HTTP request as route handlers see it (no HTTP library types).
struct ApiRequest {
  std::string method;
  std::string path;
  /// \brief Path parameters in pattern order ("{uid}" ...).
  std::vector<std::string> params;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string peer;
  /// \brief Set for routes that require authentication.
  std::optional<ApiUser> user;

  /// \brief The body as a JSON object; throws BadJson (400) naming the route, PayloadTooLarge
  /// beyond `maxBytes`.
  nlohmann::json jsonBody(std::size_t maxBytes) const;
  /// \brief A query parameter or `fallback`.
  std::string queryValue(const std::string& key, const std::string& fallback = "") const;
  /// \brief A non-negative integer query parameter capped at `max` (`fallback` when absent);
  /// anything else ("abc", "5x", "-1", "1e3") is InvalidArgument.
  std::int64_t integerQuery(const std::string& key, std::int64_t fallback, std::int64_t max) const;
};

/// \brief One HTTP response.
struct ApiResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::map<std::string, std::string> headers;
  /// \brief A JSON response.
  static ApiResponse json(const nlohmann::json& value, int status = 200);
};

/// \brief Who may call a route.
enum class Access {
  Public,         ///< no authentication (health, metrics, OpenAPI, login)
  Authenticated,  ///< any logged-in user; the handler checks finer permissions
  Permission      ///< logged-in user whose role holds `permission`
};

/// \brief One documented route.
struct ApiRoute {
  std::string method;  ///< GET, POST, PUT, DELETE
  std::string path;    ///< OpenAPI form: "/api/studies/{uid}"
  std::string summary;
  Access access = Access::Authenticated;
  Permission permission = Permission::ViewIdentifiedStudy;
  std::string requestType;  ///< request media type ("" = none)
  std::string responseType = "application/json";
  std::function<ApiResponse(const ApiRequest&)> handler;
};

/// \brief Where route groups register routes; RestServer implements it over cpp-httplib and
/// OpenApiDocument documents what was registered.
class ApiRouter {
 public:
  virtual ~ApiRouter() = default;
  /// \brief Registers a route.
  virtual void add(ApiRoute route) = 0;
};

}  // namespace medsight

#include "server/OpenApiDocument.h"

#include <regex>
#include <set>

#include "core/Error.h"
#include "core/Version.h"

namespace medsight {

nlohmann::json OpenApiDocument::build(const std::vector<ApiRoute>& routes) {
  nlohmann::json paths = nlohmann::json::object();
  static const std::regex parameter(R"(\{([a-z_]+)\})");
  for (const auto& route : routes) {
    nlohmann::json op{{"summary", route.summary}, {"operationId", route.method + route.path}};
    nlohmann::json parameters = nlohmann::json::array();
    for (std::sregex_iterator it(route.path.begin(), route.path.end(), parameter), end; it != end;
         ++it) {
      parameters.push_back({{"name", (*it)[1].str()},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (!route.requestType.empty()) {
      nlohmann::json content = nlohmann::json::object();
      std::string types = route.requestType;
      for (std::size_t start = 0; start < types.size();) {
        std::size_t end = types.find(',', start);
        if (end == std::string::npos) end = types.size();
        std::string type = types.substr(start, end - start);
        type.erase(0, type.find_first_not_of(' '));
        content[type] = {
            {"schema", type == "application/json"
                           ? nlohmann::json{{"type", "object"}}
                           : nlohmann::json{{"type", "string"}, {"format", "binary"}}}};
        start = end + 1;
      }
      op["requestBody"] = {{"required", true}, {"content", content}};
    }
    nlohmann::json okContent;
    okContent[route.responseType] = {
        {"schema", route.responseType.find("json") != std::string::npos
                       ? nlohmann::json{{"type", "object"}}
                       : nlohmann::json{{"type", "string"}, {"format", "binary"}}}};
    nlohmann::json responses{{"200", {{"description", "success"}, {"content", okContent}}}};
    std::set<int> statuses{400, 404, 500};
    if (route.access != Access::Public) statuses.insert({401, 403});
    if (!route.requestType.empty()) statuses.insert({413, 422});
    if (route.method != "GET") statuses.insert(409);
    for (int status : statuses) {
      responses[std::to_string(status)] = {
          {"description", "error (see the error table)"},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    op["responses"] = responses;
    if (route.access == Access::Public) {
      op["security"] = nlohmann::json::array();
    } else if (route.access == Access::Permission) {
      op["x-medsight-permission"] = AccessPolicy::permissionName(route.permission);
    }
    std::string method = route.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[route.path][method] = op;
  }
  nlohmann::json codes = nlohmann::json::array();
  for (const auto& row : errorCodeTable()) codes.push_back(std::string(row.name));
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "MedSight API"},
            {"version", kVersion},
            {"description",
             "AI-assisted imaging: studies, triage worklist, findings, review, reports. "
             "Log in with POST /api/auth/login and send 'Authorization: Bearer <token>'."}}},
          {"paths", paths},
          {"security", {{{"bearer", nlohmann::json::array()}}}},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas",
             {{"Error",
               {{"type", "object"},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"properties",
                     {{"code", {{"type", "string"}, {"enum", codes}}},
                      {"status", {{"type", "integer"}}},
                      {"message", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace medsight

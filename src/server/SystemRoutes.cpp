#include "server/SystemRoutes.h"

#include "core/Error.h"
#include "core/Version.h"
#include "server/OpenApiDocument.h"
#include "server/PasswordHasher.h"
#include "server/RequestAudit.h"
#include "store/SchemaMigrations.h"

namespace medsight {

void SystemRoutes::install(RestServer& server, ServerServices& s) {
  server.add({"GET", "/api/health", "Liveness and configuration summary", Access::Public,
              Permission::ViewDeidentifiedStudy, "", "application/json", [&s](const ApiRequest&) {
                nlohmann::json counts = nlohmann::json::object();
                for (const auto& [name, n] : s.studies->counts()) counts[name] = n;
                return ApiResponse::json({{"status", "ok"},
                                          {"version", kVersion},
                                          {"database", s.database->description()},
                                          {"schema_version", SchemaMigrations::latestVersion()},
                                          {"dicom",
                                           {{"ae_title", s.config->aeTitle},
                                            {"port", s.config->dicomPort},
                                            {"running", s.dicomReceiverRunning}}},
                                          {"counts", counts}});
              }});
  server.add({"GET", "/api/metrics", "Counters in Prometheus text format", Access::Public,
              Permission::ViewDeidentifiedStudy, "", "text/plain", [&s](const ApiRequest&) {
                ApiResponse out;
                out.body = s.metrics->prometheusText();
                out.contentType = "text/plain; version=0.0.4";
                return out;
              }});
  server.add({"GET", "/api/openapi.json", "This document (OpenAPI 3)", Access::Public,
              Permission::ViewDeidentifiedStudy, "", "application/json",
              [&server](const ApiRequest&) {
                return ApiResponse::json(OpenApiDocument::build(server.routes()));
              }});
  server.add(
      {"POST", "/api/auth/login", "Log in {\"username\", \"password\"}; returns a bearer token",
       Access::Public, Permission::ViewDeidentifiedStudy, "application/json", "application/json",
       [&s, &server](const ApiRequest& r) {
         const auto body = r.jsonBody(static_cast<std::size_t>(s.config->maxJsonBytes));
         if (!body.contains("username") || !body["username"].is_string() ||
             !body.contains("password") || !body["password"].is_string()) {
           throw Error(ErrorCode::BadJson,
                       "POST /api/auth/login: \"username\" and \"password\" strings are required");
         }
         ApiRequest audited = r;
         audited.user = ApiUser{body["username"].get<std::string>(), "", Role::Researcher, ""};
         try {
           const auto session = server.authenticator().login(body["username"], body["password"]);
           audited.user->role = AccessPolicy::parseRole(session["user"]["role"].get<std::string>());
           RequestAudit::record(s, audited, "110114", "User Authentication", 'E', "", "login");
           return ApiResponse::json(session);
         } catch (const Error& e) {
           RequestAudit::record(s, audited, "110114", "User Authentication", 'E', "",
                                "login failed", 4);
           throw;
         }
       }});
  server.add({"POST", "/api/auth/logout", "End the session", Access::Authenticated,
              Permission::ViewDeidentifiedStudy, "", "application/json",
              [&s, &server](const ApiRequest& r) {
                server.authenticator().logout(*r.user);
                RequestAudit::record(s, r, "110114", "User Authentication", 'E', "", "logout");
                return ApiResponse::json({{"logged_out", true}});
              }});
  server.add({"GET", "/api/me", "The current user and the permissions of their role",
              Access::Authenticated, Permission::ViewDeidentifiedStudy, "", "application/json",
              [](const ApiRequest& r) {
                nlohmann::json permissions = nlohmann::json::array();
                for (auto p : AccessPolicy::permissionsOf(r.user->role))
                  permissions.push_back(AccessPolicy::permissionName(p));
                return ApiResponse::json({{"username", r.user->username},
                                          {"display_name", r.user->displayName},
                                          {"role", AccessPolicy::roleName(r.user->role)},
                                          {"permissions", permissions}});
              }});
  server.add({"POST", "/api/users",
              "Create a user {\"username\", \"password\", \"role\", \"display_name\"}",
              Access::Permission, Permission::ManageUsers, "application/json", "application/json",
              [&s](const ApiRequest& r) {
                const auto body = r.jsonBody(static_cast<std::size_t>(s.config->maxJsonBytes));
                try {
                  const auto username = body.at("username").get<std::string>();
                  const auto role = AccessPolicy::parseRole(body.at("role").get<std::string>());
                  const auto user = s.users->create(
                      username, PasswordHasher::hash(body.at("password").get<std::string>()),
                      AccessPolicy::roleName(role), body.value("display_name", std::string()));
                  RequestAudit::record(s, r, "110137", "User Security Attributes Changed", 'C', "",
                                       "user " + username);
                  return ApiResponse::json({{"username", user.username}, {"role", user.role}}, 201);
                } catch (const nlohmann::json::exception& e) {
                  throw Error(ErrorCode::BadJson, "POST /api/users: " + std::string(e.what()));
                }
              }});
  server.add({"GET", "/api/audit", "The audit trail with its hash-chain verification (?limit)",
              Access::Permission, Permission::ReadAuditLog, "", "application/json",
              [&s](const ApiRequest& r) {
                const auto records = s.audit->records();
                const auto check = s.audit->verify();
                nlohmann::json problems = nlohmann::json::array();
                for (const auto& p : check.problems)
                  problems.push_back({{"line", p.line}, {"kind", p.kind}, {"detail", p.detail}});
                const auto limit = static_cast<std::size_t>(r.integerQuery("limit", 200, 1 << 30));
                nlohmann::json out = nlohmann::json::array();
                for (std::size_t i = records.size() > limit ? records.size() - limit : 0;
                     i < records.size(); ++i) {
                  out.push_back(nlohmann::json::parse(records[i], nullptr, false));
                }
                RequestAudit::record(s, r, "110101", "Audit Log Used", 'R', "",
                                     "records=" + std::to_string(out.size()));
                return ApiResponse::json({{"records", out},
                                          {"total", records.size()},
                                          {"intact", check.intact()},
                                          {"problems", problems}});
              }});
}

}  // namespace medsight

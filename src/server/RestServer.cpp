#include "server/RestServer.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <regex>

#include "core/Error.h"

namespace medsight {
namespace {

ApiResponse errorResponse(ErrorCode code, int status, const std::string& message) {
  return ApiResponse::json({{"error",
                             {{"code", std::string(errorCodeInfo(code).name)},
                              {"status", status},
                              {"message", message}}}},
                           status);
}

void write(const ApiResponse& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [k, v] : in.headers) out.set_header(k, v);
  out.set_header("X-Content-Type-Options", "nosniff");
  out.set_header("Cache-Control", "no-store");
  out.set_content(in.body, in.contentType.c_str());
}

std::string toRegex(const std::string& path) {
  static const std::regex parameter(R"(\{[a-z_]+\})");
  return std::regex_replace(path, parameter, "([^/]+)");
}

}  // namespace

class RestServer::Impl {
 public:
  std::unique_ptr<httplib::Server> server;
  /// Every API route as httplib sees it, for the checks made before a body is read.
  struct Dispatch {
    std::string method;
    std::regex pattern;
    Access access;
    httplib::Server::Handler handler;
  };
  std::vector<Dispatch> routes;
};

RestServer::RestServer(ServerServices& services)
    : services_(services),
      authenticator_(*services.users, services.config->sessionHours),
      impl_(std::make_unique<Impl>()) {
  const ServerConfig& cfg = *services.config;
  if (!cfg.tlsCertificate.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(cfg.tlsCertificate.c_str(), cfg.tlsKey.c_str());
    if (!tls->is_valid()) {
      throw Error(ErrorCode::InvalidConfiguration,
                  cfg.tlsCertificate.string() + ", " + cfg.tlsKey.string() +
                      ": not a usable TLS certificate and key (PEM)");
    }
    impl_->server = std::move(tls);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  auto& server = *impl_->server;
  server.set_payload_max_length(static_cast<std::size_t>(cfg.maxUploadBytes));
  // Before httplib reads a body (it reads it whole before any handler runs):
  // - POST/PUT without Content-Length or chunked encoding has no body (RFC 9112 section 6.3),
  //   but httplib would wait for one until the read timeout, a thread held for 30 s;
  // - a Content-Length that is not a byte count gets no answer at all from httplib;
  // - a large body to a route that needs a login is refused before it is buffered (up to the
  //   upload limit, 512 MiB, per anonymous request otherwise).
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    using Result = httplib::Server::HandlerResponse;
    if (req.method != "POST" && req.method != "PUT" && req.method != "PATCH") {
      return Result::Unhandled;
    }
    const auto refuse = [this, &res](const ApiResponse& out) {
      ++services_.metrics->httpClientErrors;
      write(out, res);
      res.set_header("Connection", "close");  // the unread body must not be taken as a request
      return Result::Handled;
    };
    const bool chunked = req.has_header("Transfer-Encoding");
    const bool hasLength = req.has_header("Content-Length");
    std::uint64_t length = 0;
    if (hasLength) {
      const std::string v = req.get_header_value("Content-Length");
      if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
        return refuse(errorResponse(
            ErrorCode::InvalidArgument, 400,
            req.method + " " + req.path + ": Content-Length '" + v + "' is not a byte count"));
      }
      length = std::stoull(v);
    }
    for (const auto& route : impl_->routes) {
      if (route.method != req.method || !std::regex_match(req.path, route.pattern)) continue;
      if (!hasLength && !chunked) {
        httplib::Request empty = req;
        empty.body.clear();
        std::regex_match(empty.path, empty.matches, route.pattern);
        route.handler(empty, res);
        res.set_header("Connection", "close");
        return Result::Handled;
      }
      if (route.access != Access::Public && (chunked || length > (std::uint64_t{64} << 10))) {
        try {
          authenticator_.authenticate(req.get_header_value("Authorization"));
        } catch (const Error& e) {
          return refuse(errorResponse(e.code(), e.httpStatus(), e.what()));
        }
      }
      return Result::Unhandled;
    }
    if (!hasLength && !chunked) {
      return refuse(errorResponse(ErrorCode::NotFound, 404,
                                  req.method + " " + req.path + ": no such API route"));
    }
    return Result::Unhandled;
  });
  server.set_tcp_nodelay(true);
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_keep_alive_max_count(1000);
  // cpp-httplib owns the queue it gets from this factory (its API takes a raw pointer).
  server.new_task_queue = [] { return new httplib::ThreadPool(48); };
  ServerMetrics* metrics = services.metrics;
  server.set_exception_handler([metrics](const httplib::Request& req, httplib::Response& res,
                                         std::exception_ptr) {
    ++metrics->httpServerErrors;
    write(errorResponse(ErrorCode::Internal, 500, req.method + " " + req.path + ": internal error"),
          res);
  });
  server.set_error_handler([metrics](const httplib::Request& req, httplib::Response& res) {
    // Statuses httplib decides itself (404 unknown path, 413 body over the limit, 400 bad
    // request line, 414 URI too long) get the same JSON shape as MedSight's own errors.
    if (!res.body.empty()) return;
    ErrorCode code = ErrorCode::NotFound;
    if (res.status == 413)
      code = ErrorCode::PayloadTooLarge;
    else if (res.status == 400 || res.status == 414 || res.status == 431)
      code = ErrorCode::InvalidArgument;  // bad request line, URI or headers too long
    else if (res.status >= 500)
      code = ErrorCode::Internal;
    (res.status >= 500 ? metrics->httpServerErrors : metrics->httpClientErrors)++;
    write(errorResponse(code, res.status,
                        req.method + " " + req.path + ": " + "HTTP " + std::to_string(res.status)),
          res);
  });
  if (!cfg.webRoot.empty() && std::filesystem::is_directory(cfg.webRoot)) {
    server.set_mount_point("/", cfg.webRoot.string());
  } else {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>MedSight</title></head><body>"
          "<h1>MedSight server</h1><p>The web UI is not built (web/dist). The REST API is "
          "described at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>",
          "text/html; charset=utf-8");
    });
  }
}

RestServer::~RestServer() {
  stop();
}

void RestServer::add(ApiRoute route) {
  routes_.push_back(route);
  auto handler = [this, route](const httplib::Request& req, httplib::Response& res) {
    ++services_.metrics->httpRequests;
    ApiResponse out;
    try {
      ApiRequest r;
      r.method = req.method;
      r.path = req.path;
      for (std::size_t i = 1; i < req.matches.size(); ++i) r.params.push_back(req.matches[i].str());
      for (const auto& [k, v] : req.params) r.query[k] = v;
      for (const auto& [k, v] : req.headers) r.headers[k] = v;
      r.body = req.body;
      r.peer = req.remote_addr;
      if (route.access != Access::Public) {
        r.user = authenticator_.authenticate(req.get_header_value("Authorization"));
        if (route.access == Access::Permission) {
          AccessPolicy::require(r.user->role, route.permission, route.method + " " + route.path);
        }
      }
      out = route.handler(r);
    } catch (const Error& e) {
      out = errorResponse(e.code(), e.httpStatus(), e.what());
    } catch (const std::exception& e) {
      spdlog::error("http: {} {}: {}", req.method, req.path, e.what());
      out =
          errorResponse(ErrorCode::Internal, 500, req.method + " " + req.path + ": internal error");
    }
    if (out.status >= 500)
      ++services_.metrics->httpServerErrors;
    else if (out.status >= 400)
      ++services_.metrics->httpClientErrors;
    write(out, res);
  };
  auto& server = *impl_->server;
  const std::string pattern = toRegex(route.path);
  impl_->routes.push_back({route.method, std::regex(pattern), route.access, handler});
  if (route.method == "GET")
    server.Get(pattern, handler);
  else if (route.method == "POST")
    server.Post(pattern, handler);
  else if (route.method == "PUT")
    server.Put(pattern, handler);
  else if (route.method == "DELETE")
    server.Delete(pattern, handler);
  else
    throw Error(ErrorCode::Internal, "route " + route.path + ": method " + route.method);
}

void RestServer::start() {
  auto& server = *impl_->server;
  const auto& cfg = *services_.config;
  if (cfg.port == 0) {
    port_ = server.bind_to_any_port(cfg.host);
  } else {
    port_ = server.bind_to_port(cfg.host, cfg.port) ? cfg.port : -1;
  }
  if (port_ <= 0) {
    throw Error(ErrorCode::NetworkError, "HTTP " + cfg.host + ":" + std::to_string(cfg.port) +
                                             ": cannot listen (port in use?)");
  }
  thread_ = std::thread([&server] { server.listen_after_bind(); });
  spdlog::info("http: listening on {}://{}:{}", cfg.tlsCertificate.empty() ? "http" : "https",
               cfg.host, port_);
}

void RestServer::stop() {
  if (!thread_.joinable()) return;
  impl_->server->stop();
  thread_.join();
}

}  // namespace medsight

#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "server/ApiAuthenticator.h"
#include "server/ApiRouter.h"
#include "server/ServerServices.h"

namespace medsight {

/// \brief The REST API over cpp-httplib: HTTPS when a certificate is configured (required off
/// loopback), bearer-token authentication, role checks from AccessPolicy, errors from the one
/// error table as {"error": {"code", "status", "message"}} with its HTTP status, body limits,
/// and the web UI's static files at "/" (web/dist). Route groups register into it.
class RestServer : public ApiRouter {
 public:
  /// \brief A server over `services` (must outlive it).
  explicit RestServer(ServerServices& services);
  ~RestServer() override;
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  /// \copydoc ApiRouter::add
  void add(ApiRoute route) override;
  /// \brief Binds host:port (port 0 = any free port) and serves on a background thread;
  /// throws NetworkError when it cannot bind.
  void start();
  /// \brief Stops serving and joins the thread.
  void stop();
  /// \brief The bound port.
  int port() const { return port_; }
  /// \brief Registered routes (for the OpenAPI document).
  const std::vector<ApiRoute>& routes() const { return routes_; }
  /// \brief The login service.
  ApiAuthenticator& authenticator() { return authenticator_; }

 private:
  class Impl;
  ServerServices& services_;
  ApiAuthenticator authenticator_;
  std::vector<ApiRoute> routes_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace medsight

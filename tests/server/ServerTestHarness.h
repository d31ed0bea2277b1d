#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/MedSightServer.h"

namespace medsight::test {

/// \brief A free TCP port on 127.0.0.1 (bound and released).
int freePort();

/// \brief A model package folder for the pneumonia route: the shipped models/pneumonia-cxr
/// when present, else a small ResNet trained once per process on 600 PneumoniaMNIST images
/// (empty path when the dataset is absent).
std::filesystem::path pneumoniaModelsFolder();

/// \brief Real chest radiographs from the PneumoniaMNIST validation split as CR studies (one
/// image each), written as Part 10 files into `folder`; returns the files.
std::vector<std::filesystem::path> writeChestStudies(const std::filesystem::path& folder,
                                                     int count);

/// \brief An in-process MedSight server on free ports with one user per role (password
/// "password-<role>").
class ServerTestHarness {
 public:
  /// \brief Builds and starts a server; `adjust` may change the configuration first.
  explicit ServerTestHarness(const std::function<void(ServerConfig&)>& adjust = {});
  ~ServerTestHarness();
  /// \brief The server.
  MedSightServer& server() { return *server_; }
  /// \brief A client of the REST API.
  httplib::Client client() const;
  /// \brief A bearer token for the user of `role`.
  std::string token(const std::string& role) const;
  /// \brief Headers with that token.
  httplib::Headers auth(const std::string& role) const;
  /// \brief GET as `role`, JSON body parsed (status in `status`).
  nlohmann::json getJson(const std::string& path, const std::string& role,
                         int* status = nullptr) const;
  /// \brief Waits until no job is pending or running (at most `seconds`); false on timeout.
  bool waitForJobs(double seconds) const;
  /// \brief Runs storescu (TCP_NODELAY) to the receiver with these files; returns exit status.
  int storescu(const std::vector<std::filesystem::path>& files,
               const std::string& calledAe = "MEDSIGHT", std::string* output = nullptr) const;
  /// \brief The configuration.
  const ServerConfig& config() const { return server_->config(); }

 private:
  std::unique_ptr<MedSightServer> server_;
};

}  // namespace medsight::test

#include "server/ServerConfig.h"

#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace medsight {

std::string ServerConfig::effectiveDatabaseUrl() const {
  if (!databaseUrl.empty()) return databaseUrl;
  return "sqlite:" + (dataDir / "medsight.db").string();
}

std::filesystem::path ServerConfig::effectiveKeyFile() const {
  return keyFile.empty() ? dataDir / "medsight.key" : keyFile;
}

bool ServerConfig::isLoopback(const std::string& h) {
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

void ServerConfig::validate() const {
  auto badPort = [](int p) { return p < 0 || p > 65535; };
  if (badPort(port))
    throw Error(ErrorCode::InvalidConfiguration,
                "--port " + std::to_string(port) + ": not a TCP port");
  if (badPort(dicomPort))
    throw Error(ErrorCode::InvalidConfiguration,
                "--dicom-port " + std::to_string(dicomPort) + ": not a TCP port");
  if (aeTitle.empty() || aeTitle.size() > 16) {
    throw Error(ErrorCode::InvalidConfiguration,
                "--ae-title '" + aeTitle + "': 1 to 16 characters (PS3.5 AE VR)");
  }
  if (!isLoopback(host) && (tlsCertificate.empty() || tlsKey.empty())) {
    throw Error(ErrorCode::InvalidConfiguration,
                "--host " + host +
                    ": listening beyond this machine needs TLS: give --tls-cert and "
                    "--tls-key (every request is authenticated in any case)");
  }
  if (workerThreads < 0) throw Error(ErrorCode::InvalidConfiguration, "--workers: must be >= 0");
  if (maxAttempts < 1) throw Error(ErrorCode::InvalidConfiguration, "--max-attempts: must be >= 1");
  if (stableSeconds < 0)
    throw Error(ErrorCode::InvalidConfiguration, "--stable-seconds: must be >= 0");
}

void ServerConfig::merge(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error(ErrorCode::InvalidConfiguration, source + ": not a JSON object");
  try {
    for (const auto& [key, value] : j.items()) {
      if (key == "host")
        host = value.get<std::string>();
      else if (key == "port")
        port = value.get<int>();
      else if (key == "dicom_port")
        dicomPort = value.get<int>();
      else if (key == "ae_title")
        aeTitle = value.get<std::string>();
      else if (key == "allowed_peers") {
        allowedPeers.clear();
        for (const auto& p : value) {
          allowedPeers.push_back(
              {p.at("ae_title").get<std::string>(), p.value("host", std::string())});
        }
      } else if (key == "max_associations")
        maxAssociations = value.get<int>();
      else if (key == "data")
        dataDir = value.get<std::string>();
      else if (key == "db")
        databaseUrl = value.get<std::string>();
      else if (key == "key")
        keyFile = value.get<std::string>();
      else if (key == "models")
        modelsDir = value.get<std::string>();
      else if (key == "routing")
        routingFile = value.get<std::string>();
      else if (key == "web_root")
        webRoot = value.get<std::string>();
      else if (key == "stable_seconds")
        stableSeconds = value.get<double>();
      else if (key == "workers")
        workerThreads = value.get<int>();
      else if (key == "inference_threads")
        inferenceThreads = value.get<int>();
      else if (key == "max_attempts")
        maxAttempts = value.get<int>();
      else if (key == "lease_seconds")
        leaseSeconds = value.get<double>();
      else if (key == "max_upload_bytes")
        maxUploadBytes = value.get<std::int64_t>();
      else if (key == "session_hours")
        sessionHours = value.get<double>();
      else if (key == "tls_cert")
        tlsCertificate = value.get<std::string>();
      else if (key == "tls_key")
        tlsKey = value.get<std::string>();
      else if (key == "orthanc") {
        orthanc.url = value.value("url", orthanc.url);
        orthanc.medsightModality = value.value("medsight_modality", orthanc.medsightModality);
        orthanc.aeTitle = value.value("ae_title", orthanc.aeTitle);
        orthanc.host = value.value("host", orthanc.host);
        orthanc.dicomPort = value.value("dicom_port", orthanc.dicomPort);
        orthanc.username = value.value("username", orthanc.username);
        orthanc.password = value.value("password", orthanc.password);
        orthanc.pollSeconds = value.value("poll_seconds", orthanc.pollSeconds);
      } else {
        throw Error(ErrorCode::InvalidConfiguration, source + ": unknown setting '" + key + "'");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfiguration, source + ": " + e.what());
  }
}

nlohmann::json ServerConfig::toJson() const {
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& p : allowedPeers) peers.push_back({{"ae_title", p.aeTitle}, {"host", p.host}});
  return {{"host", host},
          {"port", port},
          {"dicom_port", dicomPort},
          {"ae_title", aeTitle},
          {"allowed_peers", peers},
          {"max_associations", maxAssociations},
          {"data", dataDir.string()},
          {"models", modelsDir.string()},
          {"stable_seconds", stableSeconds},
          {"workers", workerThreads},
          {"max_attempts", maxAttempts},
          {"max_upload_bytes", maxUploadBytes},
          {"session_hours", sessionHours},
          {"tls", !tlsCertificate.empty()},
          {"orthanc", {{"url", orthanc.url}, {"ae_title", orthanc.aeTitle}}}};
}

}  // namespace medsight

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace medsight {

/// \brief A DICOM peer allowed to send to MedSight (AE title, and host if not empty).
struct DicomPeer {
  std::string aeTitle;
  std::string host;
};

/// \brief Orthanc (or another PACS with Orthanc's REST API) that MedSight bridges to.
struct OrthancSettings {
  /// \brief REST base URL, e.g. "http://127.0.0.1:8042" (empty = no bridge).
  std::string url;
  /// \brief Name of MedSight in Orthanc's "DicomModalities" (Orthanc sends studies to it).
  std::string medsightModality = "medsight";
  /// \brief Orthanc's own DICOM AE title, host and port (MedSight sends results there).
  std::string aeTitle = "ORTHANC";
  std::string host = "127.0.0.1";
  int dicomPort = 4242;
  /// \brief Optional HTTP basic credentials.
  std::string username;
  std::string password;
  /// \brief Seconds between polls of Orthanc's /changes.
  double pollSeconds = 1.0;
};

/// \brief Everything `medsight serve` and `medsight worker` are configured with: one typed
/// configuration from flags (and an optional JSON file), no hidden environment globals.
struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  /// \brief DICOM listening port (0 = no DICOM receiver).
  int dicomPort = 11112;
  std::string aeTitle = "MEDSIGHT";
  /// \brief Peers allowed to send; empty = any calling AE title.
  std::vector<DicomPeer> allowedPeers;
  int maxAssociations = 16;
  std::filesystem::path dataDir = "medsight-data";
  /// \brief Database URL; empty = SQLite file under dataDir.
  std::string databaseUrl;
  /// \brief Project key for encryption at rest and the keyed audit chain; empty =
  /// dataDir/medsight.key (created on first start).
  std::filesystem::path keyFile;
  /// \brief Folder of model packages (models/<name>/manifest.json).
  std::filesystem::path modelsDir;
  /// \brief Routing table (JSON); empty = the built-in table.
  std::filesystem::path routingFile;
  /// \brief Static files of the web UI served at "/" (web/dist).
  std::filesystem::path webRoot;
  /// \brief A series is complete when no instance arrived for this long.
  double stableSeconds = 3.0;
  int workerThreads = 1;
  /// \brief LibTorch threads per worker thread.
  int inferenceThreads = 1;
  int maxAttempts = 3;
  double leaseSeconds = 120.0;
  std::int64_t maxUploadBytes = std::int64_t{512} << 20;
  std::int64_t maxJsonBytes = std::int64_t{1} << 20;
  double sessionHours = 8.0;
  /// \brief TLS certificate and key (PEM); required when host is not loopback.
  std::filesystem::path tlsCertificate;
  std::filesystem::path tlsKey;
  OrthancSettings orthanc;
  bool runWorkers = true;

  /// \brief The database URL to use (databaseUrl or the SQLite file under dataDir).
  std::string effectiveDatabaseUrl() const;
  /// \brief The key file to use.
  std::filesystem::path effectiveKeyFile() const;
  /// \brief True if `host` only accepts connections from this machine.
  static bool isLoopback(const std::string& host);
  /// \brief Throws InvalidConfiguration naming the problem (ports, non-loopback without TLS...).
  void validate() const;
  /// \brief Overrides fields from a JSON object (keys as in toJson); throws
  /// InvalidConfiguration for unknown keys or wrong types.
  void merge(const nlohmann::json& json, const std::string& source);
  /// \brief The configuration as JSON (secrets left out).
  nlohmann::json toJson() const;
};

}  // namespace medsight

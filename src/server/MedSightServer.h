#pragma once

#include <memory>

#include "server/ServerConfig.h"

namespace medsight {

class Database;
class StudyStore;
class JobQueue;
class FindingStore;
class UserStore;
class InstanceFileStore;
class IngestService;
class AuditLog;
class KeyFile;
class DicomReceiver;
class JobWorker;
class RestServer;
class OrthancBridge;
class ModelRouter;
class FindingExtractor;
struct ServerMetrics;
struct ServerServices;

/// \brief A whole MedSight server: database and encrypted files under the data folder, the
/// audit trail in the database, the DICOM receiver, analysis workers, the REST API and the
/// Orthanc bridge, started and stopped in dependency order. `medsight serve` runs one;
/// `medsight worker` runs one with only workers; tests run several in one process.
class MedSightServer {
 public:
  /// \brief Opens the data folder and database (creating the key on first start) and builds
  /// every part without starting any; throws InvalidConfiguration, DatabaseError, KeyMissing.
  explicit MedSightServer(ServerConfig config);
  ~MedSightServer();
  MedSightServer(const MedSightServer&) = delete;
  MedSightServer& operator=(const MedSightServer&) = delete;

  /// \brief Sweeps files of interrupted ingests, then starts the receiver (if a DICOM port is
  /// set), workers (if `runWorkers`), the REST API (unless `withHttp` is false) and the bridge.
  void start(bool withHttp = true);
  /// \brief Stops everything (running jobs finish first).
  void stop();
  /// \brief The bound HTTP port (after start).
  int httpPort() const;
  /// \brief Creates a user with an Argon2id-hashed password.
  void createUser(const std::string& username, const std::string& password, const std::string& role,
                  const std::string& displayName);
  /// \brief The configuration in use.
  const ServerConfig& config() const { return config_; }
  /// \brief Stores (tests and the demo loader).
  StudyStore& studies();
  JobQueue& jobs();
  FindingStore& findings();
  IngestService& ingest();
  AuditLog& audit();
  OrthancBridge* orthanc() { return orthanc_.get(); }

 private:
  ServerConfig config_;
  std::unique_ptr<KeyFile> key_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<StudyStore> studies_;
  std::unique_ptr<JobQueue> jobs_;
  std::unique_ptr<FindingStore> findings_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<InstanceFileStore> files_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<ModelRouter> router_;
  std::unique_ptr<FindingExtractor> extractor_;
  std::unique_ptr<ServerServices> services_;
  std::unique_ptr<OrthancBridge> orthanc_;
  std::unique_ptr<DicomReceiver> receiver_;
  std::unique_ptr<JobWorker> workers_;
  std::unique_ptr<RestServer> rest_;
};

}  // namespace medsight

#include "server/MedSightServer.h"

#include <spdlog/spdlog.h>

#include "core/Error.h"
#include "language/FindingExtractor.h"
#include "privacy/AtRestCipher.h"
#include "privacy/AuditLog.h"
#include "privacy/KeyFile.h"
#include "server/DicomReceiver.h"
#include "server/JobWorker.h"
#include "server/ModelRouter.h"
#include "server/OrthancBridge.h"
#include "server/PasswordHasher.h"
#include "server/ReportRoutes.h"
#include "server/RestServer.h"
#include "server/ReviewRoutes.h"
#include "server/ServerServices.h"
#include "server/StudyRoutes.h"
#include "server/SystemRoutes.h"
#include "server/ViewerRoutes.h"
#include "store/DatabaseAuditSink.h"

namespace medsight {
namespace fs = std::filesystem;

MedSightServer::MedSightServer(ServerConfig config) : config_(std::move(config)) {
  config_.validate();
  std::error_code ec;
  fs::create_directories(config_.dataDir, ec);
  if (ec)
    throw Error(ErrorCode::FileWriteFailed,
                config_.dataDir.string() + ": cannot create: " + ec.message());
  fs::permissions(config_.dataDir, fs::perms::owner_all, fs::perm_options::replace, ec);
  const fs::path keyPath = config_.effectiveKeyFile();
  key_ = std::make_unique<KeyFile>(fs::exists(keyPath) ? KeyFile::load(keyPath)
                                                       : KeyFile::create(keyPath));
  database_ = Database::open(config_.effectiveDatabaseUrl(),
                             std::max(8, config_.maxAssociations + config_.workerThreads + 4));
  studies_ = std::make_unique<StudyStore>(*database_);
  jobs_ = std::make_unique<JobQueue>(*database_);
  findings_ = std::make_unique<FindingStore>(*database_);
  users_ = std::make_unique<UserStore>(*database_);
  files_ = std::make_unique<InstanceFileStore>(config_.dataDir / "files", AtRestCipher(*key_));
  metrics_ = std::make_unique<ServerMetrics>();
  ingest_ = std::make_unique<IngestService>(*studies_, *files_, *metrics_,
                                            static_cast<std::int64_t>(config_.stableSeconds * 1000),
                                            config_.maxAttempts);
  audit_ = std::make_unique<AuditLog>(std::make_unique<DatabaseAuditSink>(*database_), *key_);
  router_ = std::make_unique<ModelRouter>(config_.routingFile.empty()
                                              ? ModelRouter::builtIn()
                                              : ModelRouter::fromFile(config_.routingFile));
  try {
    extractor_ = std::make_unique<FindingExtractor>(FindingExtractor::loadDefault());
  } catch (const Error& e) {
    spdlog::warn("language data unavailable, no AI-doctor comparison: {}", e.what());
  }
  services_ = std::make_unique<ServerServices>();
  auto& s = *services_;
  s.config = &config_;
  s.database = database_.get();
  s.studies = studies_.get();
  s.jobs = jobs_.get();
  s.findings = findings_.get();
  s.users = users_.get();
  s.files = files_.get();
  s.ingest = ingest_.get();
  s.audit = audit_.get();
  s.metrics = metrics_.get();
  s.key = key_.get();
  s.extractor = extractor_.get();
  if (!config_.orthanc.url.empty()) {
    orthanc_ =
        std::make_unique<OrthancBridge>(config_.orthanc, config_.aeTitle, *findings_, *metrics_);
  }
}

MedSightServer::~MedSightServer() {
  stop();
}

void MedSightServer::start(bool withHttp) {
  const std::size_t swept = files_->sweepUnreferenced(studies_->allFileNames(), 600);
  if (swept > 0) spdlog::info("store: removed {} file(s) of interrupted ingests", swept);
  if (config_.dicomPort > 0) {
    receiver_ = std::make_unique<DicomReceiver>(config_, *ingest_, *metrics_);
    receiver_->start();
    services_->dicomReceiverRunning = true;
  }
  if (config_.runWorkers && config_.workerThreads > 0) {
    JobWorkerContext context;
    context.config = &config_;
    context.studies = studies_.get();
    context.jobs = jobs_.get();
    context.findings = findings_.get();
    context.files = files_.get();
    context.ingest = ingest_.get();
    context.router = router_.get();
    context.metrics = metrics_.get();
    context.audit = audit_.get();
    if (orthanc_) {
      OrthancBridge* bridge = orthanc_.get();
      context.onResults = [bridge](const StudyRecord& study,
                                   const std::vector<DicomObject>& objects) {
        bridge->sendResults(study, objects);
      };
    }
    workers_ = std::make_unique<JobWorker>(std::move(context));
    workers_->start(config_.workerThreads);
  }
  if (withHttp) {
    rest_ = std::make_unique<RestServer>(*services_);
    SystemRoutes::install(*rest_, *services_);
    StudyRoutes::install(*rest_, *services_);
    ReviewRoutes::install(*rest_, *services_);
    ReportRoutes::install(*rest_, *services_);
    ViewerRoutes::install(*rest_, *services_);
    rest_->start();
  }
  if (orthanc_) orthanc_->start();
}

void MedSightServer::stop() {
  if (orthanc_) orthanc_->stop();
  if (rest_) rest_->stop();
  if (receiver_) receiver_->stop();
  services_->dicomReceiverRunning = false;
  if (workers_) workers_->stop();
}

int MedSightServer::httpPort() const {
  return rest_ ? rest_->port() : 0;
}

void MedSightServer::createUser(const std::string& username, const std::string& password,
                                const std::string& role, const std::string& displayName) {
  users_->create(username, PasswordHasher::hash(password),
                 AccessPolicy::roleName(AccessPolicy::parseRole(role)), displayName);
}

StudyStore& MedSightServer::studies() {
  return *studies_;
}
JobQueue& MedSightServer::jobs() {
  return *jobs_;
}
FindingStore& MedSightServer::findings() {
  return *findings_;
}
IngestService& MedSightServer::ingest() {
  return *ingest_;
}
AuditLog& MedSightServer::audit() {
  return *audit_;
}

}  // namespace medsight

#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "privacy/AuditLog.h"
#include "server/IngestService.h"
#include "server/ModelRouter.h"
#include "server/ServerConfig.h"
#include "server/ServerMetrics.h"
#include "store/FindingStore.h"
#include "store/InstanceFileStore.h"
#include "store/JobQueue.h"
#include "store/StudyStore.h"

namespace medsight {

/// \brief Everything a worker needs (all must outlive it).
struct JobWorkerContext {
  const ServerConfig* config = nullptr;
  StudyStore* studies = nullptr;
  JobQueue* jobs = nullptr;
  FindingStore* findings = nullptr;
  InstanceFileStore* files = nullptr;
  IngestService* ingest = nullptr;
  const ModelRouter* router = nullptr;
  ServerMetrics* metrics = nullptr;
  AuditLog* audit = nullptr;
  /// \brief Called with a study and the result objects written into it (e.g. send them back
  /// to the PACS); failures are logged, the results stay stored.
  std::function<void(const StudyRecord&, const std::vector<DicomObject>&)> onResults;
};

/// \brief Analysis worker threads: each claims a ready job (JobQueue), keeps its lease alive
/// while it runs, analyses the series (SeriesAnalyzer), stores the heatmap and the DICOM SR in
/// the study, records findings (FindingStore, exactly once per lease) and audits the model's
/// action with its name, version and weights hash. Faults are retried up to the attempt limit.
class JobWorker {
 public:
  /// \brief Workers over `context`.
  explicit JobWorker(JobWorkerContext context);
  ~JobWorker();
  JobWorker(const JobWorker&) = delete;
  JobWorker& operator=(const JobWorker&) = delete;

  /// \brief Re-queues jobs of dead processes on this host, then starts `threads` workers.
  void start(int threads);
  /// \brief Stops after the running jobs finish.
  void stop();
  /// \brief Claims and runs one job on the calling thread; false when none was ready.
  bool runOnce(const std::string& owner, class ModelCatalog& models);
  /// \brief "host:pid:index" owner names of this process.
  static std::string ownerName(int index);
  /// \brief This machine's host name.
  static std::string hostName();

 private:
  void process(const JobRecord& job, const std::string& owner, class ModelCatalog& models);
  JobWorkerContext context_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace medsight

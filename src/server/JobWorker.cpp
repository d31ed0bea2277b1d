#include "server/JobWorker.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/Error.h"
#include "server/ModelCatalog.h"
#include "server/SeriesAnalyzer.h"
#include "server/StructuredReportWriter.h"

namespace medsight {
namespace fs = std::filesystem;
namespace {

/// Renews a job's lease in the background while the job runs.
class LeaseKeeper {
 public:
  LeaseKeeper(JobQueue& jobs, std::int64_t jobId, std::string owner, std::int64_t leaseMillis)
      : thread_([this, &jobs, jobId, owner = std::move(owner), leaseMillis] {
          std::unique_lock lock(mutex_);
          while (!done_) {
            if (wake_.wait_for(lock, std::chrono::milliseconds(leaseMillis / 3),
                               [&] { return done_; }))
              break;
            lock.unlock();
            try {
              if (!jobs.renew(jobId, owner, leaseMillis))
                spdlog::warn("job #{}: lease lost", jobId);
            } catch (const std::exception& e) {
              spdlog::warn("job #{}: lease renewal failed: {}", jobId, e.what());
            }
            lock.lock();
          }
        }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

fs::path scratchRoot(const ServerConfig& config) {
  // Plaintext copies of images live in memory-backed /dev/shm when there is one, so decrypted
  // patient data never reaches a persistent disk; otherwise under the data folder.
  const fs::path shm = "/dev/shm";
  std::error_code ec;
  if (fs::is_directory(shm, ec) && access(shm.c_str(), W_OK) == 0) {
    return shm / ("medsight-" + std::to_string(getpid()));
  }
  return config.dataDir / "scratch";
}

}  // namespace

JobWorker::JobWorker(JobWorkerContext context) : context_(std::move(context)) {}

JobWorker::~JobWorker() {
  stop();
}

std::string JobWorker::hostName() {
  char buffer[256] = {};
  gethostname(buffer, sizeof buffer - 1);
  return buffer;
}

std::string JobWorker::ownerName(int index) {
  return hostName() + ":" + std::to_string(getpid()) + ":" + std::to_string(index);
}

void JobWorker::start(int threads) {
  const int requeued = context_.jobs->requeueAbandoned(hostName(), [](long pid) {
    return pid == getpid() || kill(static_cast<pid_t>(pid), 0) == 0;
  });
  if (requeued > 0) spdlog::info("jobs: {} job(s) of stopped workers queued again", requeued);
  stopping_ = false;
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, i] {
      ModelCatalog models(context_.config->modelsDir, context_.config->inferenceThreads);
      const std::string owner = ownerName(i);
      while (!stopping_) {
        bool ran = false;
        try {
          ran = runOnce(owner, models);
        } catch (const std::exception& e) {
          spdlog::error("jobs: worker {}: {}", owner, e.what());
        }
        if (!ran) {
          for (int t = 0; t < 4 && !stopping_; ++t)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
}

void JobWorker::stop() {
  stopping_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool JobWorker::runOnce(const std::string& owner, ModelCatalog& models) {
  const auto leaseMillis = static_cast<std::int64_t>(context_.config->leaseSeconds * 1000);
  const auto job = context_.jobs->claim(owner, leaseMillis);
  if (!job) return false;
  LeaseKeeper keeper(*context_.jobs, job->id, owner, leaseMillis);
  try {
    process(*job, owner, models);
  } catch (const std::exception& e) {
    ++context_.metrics->jobsFailed;
    const std::string state = context_.jobs->fail(job->id, owner, e.what(), 2000 * job->attempts);
    spdlog::warn("job #{} (series #{}): attempt {} failed: {} -> {}", job->id, job->seriesId,
                 job->attempts, e.what(), state);
  }
  return true;
}

void JobWorker::process(const JobRecord& job, const std::string& owner, ModelCatalog& models) {
  const SeriesRecord series = context_.studies->seriesById(job.seriesId);
  const StudyRecord study = context_.studies->studyById(series.studyId);
  const auto instances = context_.studies->instancesOf(series.id);
  SeriesAnalyzer analyzer(*context_.files, *context_.router, models, scratchRoot(*context_.config));
  AnalysisOutcome outcome = analyzer.analyse(series, instances);

  std::vector<DicomObject> results = std::move(outcome.outputs);
  if (outcome.state == "analysed") {
    for (auto& e : outcome.evidence) e.studyInstanceUid = study.studyUid;
    StructuredReportOptions options;
    results.push_back(StructuredReportWriter::write(outcome.sourcePart10, outcome.evidence,
                                                    outcome.findings, options));
  }
  // Results are stored before the findings are committed: a crash in between re-runs the job
  // (new results), never leaves findings pointing at missing objects.
  for (const auto& object : results) {
    context_.ingest->ingest(object, "medsight", /*derived=*/true);
    OutputRecord output;
    output.studyId = study.id;
    output.kind = object.summary.modality == "SR" ? "sr" : "heatmap";
    output.sopUid = object.summary.sopInstanceUid;
    output.seriesUid = object.summary.seriesInstanceUid;
    context_.findings->addOutput(output);
  }
  context_.findings->recordAnalysis(job.id, owner, series.id, outcome.findings, outcome.state,
                                    outcome.reason);
  if (outcome.state == "analysed") {
    ++context_.metrics->jobsDone;
  } else {
    ++context_.metrics->jobsNotAnalysed;
  }
  if (context_.audit) {
    AuditEvent event;
    event.eventId = "110100";  // DCM "Application Activity" (PS3.15 A.5.3.1)
    event.eventName = "Application Activity";
    event.eventType = outcome.state == "analysed" ? "ai-analysis" : "ai-not-analysed";
    event.action = 'E';
    event.outcomeDescription = outcome.state == "analysed"
                                   ? std::to_string(outcome.findings.size()) + " finding(s)"
                                   : outcome.reason;
    AuditParticipant actor;
    for (const auto& f : outcome.findings) {
      actor.modelName = f.modelName;
      actor.modelVersion = f.modelVersion;
      actor.weightsSha256 = f.weightsSha256;
    }
    actor.userId = actor.modelName.empty() ? "medsight-worker" : "model:" + actor.modelName;
    actor.networkAccessPoint = owner;
    event.participants.push_back(actor);
    event.objects.push_back({.idTypeCode = "110180",
                             .id = study.studyUid,
                             .name = "",
                             .detail = "series=" + series.seriesUid});
    context_.audit->record(event);
  }
  spdlog::info("job #{}: series {} {} {}", job.id, series.seriesUid, outcome.state, outcome.reason);
  if (!results.empty() && context_.onResults) {
    try {
      context_.onResults(study, results);
    } catch (const std::exception& e) {
      spdlog::warn("job #{}: results stored but not forwarded: {}", job.id, e.what());
    }
  }
}

}  // namespace medsight

#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief The jobs table used as the analysis queue. A worker claims the oldest ready job
/// with a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent workers on any number of
/// machines never claim the same job nor wait for each other; SQLite: the single-writer lock).
/// A worker that dies stops renewing its lease; the job is then claimed again, up to its
/// attempt limit.
class JobQueue {
 public:
  /// \brief Uses `database` (must outlive the queue).
  explicit JobQueue(Database& database) : db_(database) {}

  /// \brief Claims one ready job (pending and due, or running with an expired lease) for
  /// `owner` ("host:pid:thread") for `leaseMillis`; increments its attempts. Jobs past their
  /// attempt limit are marked failed instead of being handed out.
  std::optional<JobRecord> claim(const std::string& owner, std::int64_t leaseMillis);
  /// \brief Extends the lease; false if `owner` no longer holds the job.
  bool renew(std::int64_t jobId, const std::string& owner, std::int64_t leaseMillis);
  /// \brief Gives the job back after a failure: pending again after `retryDelayMillis`, or
  /// "failed" with the error when attempts are used up. Returns the new state.
  std::string fail(std::int64_t jobId, const std::string& owner, const std::string& error,
                   std::int64_t retryDelayMillis);
  /// \brief Makes running jobs of dead processes on this host ready again at once (restart
  /// after kill -9); `alive(pid)` tells whether a process still runs. Returns jobs requeued.
  int requeueAbandoned(const std::string& host, const std::function<bool(long)>& alive);
  /// \brief A job by id, or NotFound.
  JobRecord job(std::int64_t id);
  /// \brief The job of a series, if any.
  std::optional<JobRecord> jobOfSeries(std::int64_t seriesId);
  /// \brief Jobs, newest first (optionally of one state).
  std::vector<JobRecord> list(const std::string& state = "", std::int64_t limit = 200);
  /// \brief Reads a job row.
  static JobRecord jobFromRow(const SqlRow& row);

 private:
  Database& db_;
};

}  // namespace medsight

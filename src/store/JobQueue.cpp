#include "store/JobQueue.h"

#include "core/Error.h"
#include "store/StudyStore.h"

namespace medsight {

JobRecord JobQueue::jobFromRow(const SqlRow& r) {
  JobRecord j;
  j.id = r.integer("id");
  j.seriesId = r.integer("series_id");
  j.state = r.text("state");
  j.attempts = r.integer("attempts");
  j.maxAttempts = r.integer("max_attempts");
  j.runAfter = r.integer("run_after");
  j.leaseOwner = r.text("lease_owner");
  j.leaseUntil = r.integer("lease_until");
  j.lastError = r.text("last_error");
  j.createdAt = r.integer("created_at");
  j.updatedAt = r.integer("updated_at");
  return j;
}

std::optional<JobRecord> JobQueue::claim(const std::string& owner, std::int64_t leaseMillis) {
  for (;;) {
    const std::int64_t now = Database::nowMillis();
    auto claimed = db_.transact([&](SqlConnection& c) -> std::optional<JobRecord> {
      // One statement picks and takes the job. SKIP LOCKED makes concurrent PostgreSQL
      // workers pass over rows another transaction is taking; SQLite has one writer at a time.
      const std::string lock = c.dialect() == SqlDialect::Postgres ? " FOR UPDATE SKIP LOCKED" : "";
      const auto rows = c.query(
          "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, "
          "lease_until = $2, updated_at = $3 WHERE id = (SELECT id FROM jobs WHERE "
          "(state = 'pending' AND run_after <= $3) OR (state = 'running' AND lease_until < $3) "
          "ORDER BY run_after, id LIMIT 1" +
              lock + ") RETURNING *",
          {owner, now + leaseMillis, now});
      if (rows.empty()) return std::nullopt;
      return jobFromRow(rows.front());
    });
    if (!claimed) return std::nullopt;
    if (claimed->attempts <= claimed->maxAttempts) return claimed;
    // A job whose every attempt died (killed worker, crash on this input) is given up with
    // the reason visible, instead of crashing workers for ever.
    db_.transact([&](SqlConnection& c) {
      const std::string error = "gave up after " + std::to_string(claimed->maxAttempts) +
                                " attempts" +
                                (claimed->lastError.empty() ? "" : ": " + claimed->lastError);
      c.execute(
          "UPDATE jobs SET state = 'failed', last_error = $2, lease_owner = '', lease_until = 0, "
          "updated_at = $3 WHERE id = $1",
          {claimed->id, error, now});
      c.execute("UPDATE series SET state = 'failed', reason = $2 WHERE id = $1",
                {claimed->seriesId, "analysis failed: " + error});
      const auto study = c.query("SELECT study_id FROM series WHERE id = $1", {claimed->seriesId});
      if (!study.empty()) StudyStore::recomputeTriage(c, study.front().integer(0));
    });
  }
}

bool JobQueue::renew(std::int64_t jobId, const std::string& owner, std::int64_t leaseMillis) {
  const std::int64_t now = Database::nowMillis();
  return db_.transact([&](SqlConnection& c) {
    return c.execute(
        "UPDATE jobs SET lease_until = $3, updated_at = $4 WHERE id = $1 AND "
        "lease_owner = $2 AND state = 'running'",
        {jobId, owner, now + leaseMillis, now});
  }) == 1;
}

std::string JobQueue::fail(std::int64_t jobId, const std::string& owner, const std::string& error,
                           std::int64_t retryDelayMillis) {
  const std::int64_t now = Database::nowMillis();
  return db_.transact([&](SqlConnection& c) {
    const auto rows =
        c.query("SELECT * FROM jobs WHERE id = $1 AND lease_owner = $2", {jobId, owner});
    if (rows.empty()) return std::string("lost");
    const JobRecord j = jobFromRow(rows.front());
    const bool giveUp = j.attempts >= j.maxAttempts;
    const std::string state = giveUp ? "failed" : "pending";
    c.execute(
        "UPDATE jobs SET state = $2, last_error = $3, run_after = $4, lease_owner = '', "
        "lease_until = 0, updated_at = $5 WHERE id = $1",
        {jobId, state, error, now + retryDelayMillis, now});
    if (giveUp) {
      c.execute("UPDATE series SET state = 'failed', reason = $2 WHERE id = $1",
                {j.seriesId,
                 "analysis failed after " + std::to_string(j.attempts) + " attempts: " + error});
      const auto study = c.query("SELECT study_id FROM series WHERE id = $1", {j.seriesId});
      if (!study.empty()) StudyStore::recomputeTriage(c, study.front().integer(0));
    }
    return state;
  });
}

int JobQueue::requeueAbandoned(const std::string& host, const std::function<bool(long)>& alive) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT id, lease_owner FROM jobs WHERE state = 'running'");
  });
  int requeued = 0;
  for (const auto& r : rows) {
    const std::string owner = r.text(1);
    // Owners are "host:pid:thread"; only this host's processes can be checked for life.
    if (owner.rfind(host + ":", 0) != 0) continue;
    const auto pidText =
        owner.substr(host.size() + 1, owner.find(':', host.size() + 1) - host.size() - 1);
    long pid = 0;
    try {
      pid = std::stol(pidText);
    } catch (const std::exception&) {
      continue;
    }
    if (alive(pid)) continue;
    requeued += static_cast<int>(db_.transact([&](SqlConnection& c) {
      return c.execute(
          "UPDATE jobs SET state = 'pending', run_after = 0, lease_owner = '', lease_until = 0, "
          "last_error = $3, updated_at = $4 WHERE id = $1 AND lease_owner = $2 AND "
          "state = 'running'",
          {r.integer(0), owner, "worker " + owner + " stopped while running this job",
           Database::nowMillis()});
    }));
  }
  return requeued;
}

JobRecord JobQueue::job(std::int64_t id) {
  const auto rows =
      db_.read([&](SqlConnection& c) { return c.query("SELECT * FROM jobs WHERE id = $1", {id}); });
  if (rows.empty()) throw Error(ErrorCode::NotFound, "job #" + std::to_string(id) + ": not found");
  return jobFromRow(rows.front());
}

std::optional<JobRecord> JobQueue::jobOfSeries(std::int64_t seriesId) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM jobs WHERE series_id = $1", {seriesId});
  });
  if (rows.empty()) return std::nullopt;
  return jobFromRow(rows.front());
}

std::vector<JobRecord> JobQueue::list(const std::string& state, std::int64_t limit) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM jobs WHERE ($1 = '' OR state = $1) ORDER BY id DESC LIMIT $2",
                   {state, limit});
  });
  std::vector<JobRecord> out;
  for (const auto& r : rows) out.push_back(jobFromRow(r));
  return out;
}

}  // namespace medsight

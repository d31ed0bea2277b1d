#include "store/JobQueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "StoreBackendFixture.h"
#include "StoreTestRecords.h"
#include "store/StudyStore.h"

namespace medsight {
namespace {

using test::incomingInstance;
using JobQueueBackend = test::StoreBackendTest;

TEST_P(JobQueueBackend, JobWaitsUntilTheSeriesIsStable) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore(*db).insertInstance(incomingInstance("1.1", "1.1.1", "1.1.1.1", 60000));
  JobQueue queue(*db);
  EXPECT_FALSE(queue.claim("host:1:a", 10000)) << "claimed before the series was stable";
}

TEST_P(JobQueueBackend, TwoWorkersClaimOneJobExactlyOnce) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore(*db).insertInstance(incomingInstance("1.1", "1.1.1", "1.1.1.1"));
  // Two workers = two separate Database objects (separate connections, as two processes).
  auto other = Database::open(url);
  std::atomic<int> claims{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      JobQueue queue(w == 0 ? *db : *other);
      for (int i = 0; i < 20; ++i) {
        if (queue.claim("host:" + std::to_string(100 + w) + ":0", 60000)) ++claims;
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(claims.load(), 1);
}

TEST_P(JobQueueBackend, ManyJobsAreSharedWithoutDoubleClaims) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore store(*db);
  for (int s = 0; s < 30; ++s) {
    store.insertInstance(
        incomingInstance("2.1", "2.1." + std::to_string(s), "2.1.9." + std::to_string(s)));
  }
  auto other = Database::open(url);
  std::mutex mutex;
  std::multiset<std::int64_t> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      JobQueue queue(w % 2 == 0 ? *db : *other);
      while (auto job = queue.claim("host:" + std::to_string(200 + w) + ":0", 60000)) {
        std::lock_guard lock(mutex);
        claimed.insert(job->id);
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed.size(), 30u);
  for (auto id : claimed) EXPECT_EQ(claimed.count(id), 1u) << "job " << id << " claimed twice";
}

TEST_P(JobQueueBackend, ExpiredLeaseIsClaimedAgainAndAttemptsAreLimited) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  auto in = incomingInstance("1.1", "1.1.1", "1.1.1.1");
  in.maxAttempts = 2;
  StudyStore(*db).insertInstance(in);
  JobQueue queue(*db);
  auto first = queue.claim("host:1:0", -1);  // lease already expired: the worker "died"
  ASSERT_TRUE(first);
  auto second = queue.claim("host:2:0", -1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->attempts, 2);
  EXPECT_FALSE(queue.claim("host:3:0", 60000)) << "third attempt handed out past the limit";
  const auto job = queue.job(first->id);
  EXPECT_EQ(job.state, "failed");
  EXPECT_NE(job.lastError.find("gave up"), std::string::npos);
  const auto series = StudyStore(*db).findSeries("1.1.1");
  EXPECT_EQ(series->state, "failed");
}

TEST_P(JobQueueBackend, FailureRetriesThenGivesUp) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  auto in = incomingInstance("1.1", "1.1.1", "1.1.1.1");
  in.maxAttempts = 2;
  StudyStore(*db).insertInstance(in);
  JobQueue queue(*db);
  auto job = queue.claim("host:1:0", 60000);
  ASSERT_TRUE(job);
  EXPECT_EQ(queue.fail(job->id, "host:1:0", "disk full", 0), "pending");
  job = queue.claim("host:1:0", 60000);
  ASSERT_TRUE(job);
  EXPECT_EQ(queue.fail(job->id, "host:1:0", "disk full", 0), "failed");
  EXPECT_EQ(queue.job(job->id).lastError, "disk full");
  EXPECT_EQ(StudyStore(*db).requireStudy("1.1").state, "not_analysed");
}

TEST_P(JobQueueBackend, JobsOfDeadWorkersAreRequeuedAtRestart) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore(*db).insertInstance(incomingInstance("1.1", "1.1.1", "1.1.1.1"));
  JobQueue queue(*db);
  ASSERT_TRUE(queue.claim("thishost:4242:0", 3600000));
  EXPECT_FALSE(queue.claim("thishost:1:0", 3600000)) << "lease still valid";
  EXPECT_EQ(queue.requeueAbandoned("otherhost", [](long) { return false; }), 0);
  EXPECT_EQ(queue.requeueAbandoned("thishost", [](long pid) { return pid != 4242; }), 1);
  const auto again = queue.claim("thishost:1:0", 3600000);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, JobQueueBackend, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace medsight

#include "store/StudyStore.h"

#include <gtest/gtest.h>

#include <thread>

#include "StoreBackendFixture.h"
#include "StoreTestRecords.h"
#include "core/Error.h"
#include "store/JobQueue.h"
#include "store/SchemaMigrations.h"

namespace medsight {
namespace {

using test::incomingInstance;
using StudyStoreBackend = test::StoreBackendTest;

TEST_P(StudyStoreBackend, FreshDatabaseIsMigratedToTheLatestVersionOnce) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  EXPECT_EQ(db->schemaVersion(), SchemaMigrations::latestVersion());
  db.reset();
  auto again = Database::open(url);  // reopening applies nothing twice
  EXPECT_EQ(again->schemaVersion(), SchemaMigrations::latestVersion());
  const auto rows = again->read(
      [](SqlConnection& c) { return c.query("SELECT COUNT(*) FROM schema_migrations"); });
  EXPECT_EQ(rows.at(0).integer(0), SchemaMigrations::latestVersion());
}

TEST_P(StudyStoreBackend, DatabaseFromANewerBuildIsRefused) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  db->transact([](SqlConnection& c) {
    c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'x', 0)");
  });
  db.reset();
  try {
    Database::open(url);
    FAIL() << "expected Conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Conflict);
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
  }
}

TEST_P(StudyStoreBackend, DuplicateInstanceIsIdempotentAndQueuesOneJob) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore store(*db);
  const auto first = store.insertInstance(incomingInstance("1.2.3", "1.2.3.1", "1.2.3.1.1"));
  const auto again = store.insertInstance(incomingInstance("1.2.3", "1.2.3.1", "1.2.3.1.1"));
  EXPECT_TRUE(first.inserted);
  EXPECT_FALSE(again.inserted);
  EXPECT_EQ(first.instanceId, again.instanceId);
  store.insertInstance(incomingInstance("1.2.3", "1.2.3.1", "1.2.3.1.2"));
  const auto study = store.requireStudy("1.2.3");
  EXPECT_EQ(study.state, "new");
  const auto series = store.seriesOf(study.id);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].instanceCount, 2);
  EXPECT_EQ(series[0].state, "queued");
  EXPECT_EQ(store.instancesOf(series[0].id).size(), 2u);
  JobQueue jobs(*db);
  EXPECT_EQ(jobs.list().size(), 1u);
}

TEST_P(StudyStoreBackend, SeriesCannotMoveToAnotherStudy) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore store(*db);
  store.insertInstance(incomingInstance("1.2.3", "1.2.3.1", "1.2.3.1.1"));
  try {
    store.insertInstance(incomingInstance("9.9.9", "1.2.3.1", "1.2.3.1.5"));
    FAIL() << "expected Conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Conflict);
  }
  // Nothing of the refused instance was stored (not even its study).
  EXPECT_FALSE(store.findStudy("9.9.9"));
  EXPECT_FALSE(store.findInstance("1.2.3.1.5"));
}

TEST_P(StudyStoreBackend, ConcurrentSendersOfOneStudyEndInOneStudyTree) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore store(*db);
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        // Each sender sends every instance of both series (duplicates across senders).
        const int n = (i + t) % 15;
        store.insertInstance(
            incomingInstance("1.9", "1.9." + std::to_string(n % 2), "1.9.0." + std::to_string(n)));
      }
    });
  }
  for (auto& s : senders) s.join();
  const auto study = store.requireStudy("1.9");
  const auto series = store.seriesOf(study.id);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].instanceCount + series[1].instanceCount, 15);
  EXPECT_EQ(store.listStudies().size(), 1u);
}

TEST_P(StudyStoreBackend, UnknownStudyIsNotFound) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore store(*db);
  try {
    store.requireStudy("1.2.404");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_EQ(e.httpStatus(), 404);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, StudyStoreBackend, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace medsight

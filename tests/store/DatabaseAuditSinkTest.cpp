#include "store/DatabaseAuditSink.h"

#include <gtest/gtest.h>

#include <thread>

#include "StoreBackendFixture.h"
#include "privacy/AuditLog.h"

namespace medsight {
namespace {

using AuditSinkBackend = test::StoreBackendTest;

AuditEvent reviewEvent(const std::string& user, int n) {
  AuditEvent e;
  e.eventId = "110103";
  e.eventName = "DICOM Instances Accessed";
  e.action = 'U';
  AuditParticipant reader;
  reader.userId = user;
  reader.role = "radiologist";
  e.participants.push_back(reader);
  AuditObject study;
  study.idTypeCode = "110180";
  study.id = "1.2.3." + std::to_string(n);
  e.objects.push_back(study);
  return e;
}

TEST_P(AuditSinkBackend, ConcurrentWritersKeepOneIntactChain) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  auto other = Database::open(url);
  const auto key = KeyFile::fromBytes(std::string(32, 'k'));
  AuditLog a(std::make_unique<DatabaseAuditSink>(*db), key);
  AuditLog b(std::make_unique<DatabaseAuditSink>(*other), key);
  std::thread t1([&] {
    for (int i = 0; i < 20; ++i) a.record(reviewEvent("alice", i));
  });
  std::thread t2([&] {
    for (int i = 0; i < 20; ++i) b.record(reviewEvent("bob", i));
  });
  t1.join();
  t2.join();
  const auto check = a.verify();
  EXPECT_EQ(check.records, 40u);
  EXPECT_TRUE(check.intact()) << check.problems.front().detail;
}

TEST_P(AuditSinkBackend, EditedRecordIsDetected) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  AuditLog log(std::make_unique<DatabaseAuditSink>(*db), KeyFile::fromBytes(std::string(32, 'k')));
  for (int i = 0; i < 3; ++i) log.record(reviewEvent("alice", i));
  db->transact([](SqlConnection& c) {
    c.execute(
        "UPDATE audit_records SET record = REPLACE(record, 'alice', 'mallory') WHERE seq = 2");
  });
  const auto check = log.verify();
  ASSERT_FALSE(check.intact());
  EXPECT_EQ(check.problems.front().line, 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditSinkBackend, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace medsight

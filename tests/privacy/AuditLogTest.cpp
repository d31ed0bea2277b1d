#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "core/Error.h"
#include "privacy/AuditLog.h"
#include "support/TestData.h"

namespace medsight {
namespace {

AuditEvent event(const std::string& user, const std::string& study) {
  AuditEvent e;
  e.eventId = "110103";
  e.eventName = "DICOM Instances Accessed";
  e.action = 'R';
  AuditParticipant reader;
  reader.userId = user;
  reader.role = "radiologist";
  e.participants.push_back(reader);
  e.objects.push_back({2, 4, "110180", study, "", ""});
  return e;
}

std::vector<std::string> readLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void writeLines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << '\n';
}

std::filesystem::path logWithRecords(int n) {
  const auto path = test::temporaryDirectory("audit") / "audit.log";
  auto log = AuditLog::openFile(path);
  for (int i = 0; i < n; ++i)
    log.record(event("user" + std::to_string(i), "1.2.3." + std::to_string(i)));
  return path;
}

TEST(AuditLog, IntactChainVerifies) {
  const auto path = logWithRecords(5);
  const auto result = AuditLog::openFile(path).verify();
  EXPECT_EQ(result.records, 5u);
  EXPECT_TRUE(result.intact());
}

TEST(AuditLog, RecordsCarryAtnaContentIncludingModelIdentity) {
  const auto path = test::temporaryDirectory("audit") / "audit.log";
  auto log = AuditLog::openFile(path);
  AuditEvent e = event("model:lung-cnn", "1.2.3");
  e.participants[0].modelName = "lung-cnn";
  e.participants[0].modelVersion = "1.4.0";
  e.participants[0].weightsSha256 = std::string(64, 'a');
  EXPECT_EQ(log.record(e), 1u);
  const std::string line = readLines(path).at(0);
  for (const char* field : {"EventIdentification", "EventActionCode", "EventDateTime",
                            "EventOutcomeIndicator", "ActiveParticipant", "AuditSourceID",
                            "ParticipantObjectID", "weightsSha256", "1.4.0", "110180"}) {
    EXPECT_NE(line.find(field), std::string::npos) << field;
  }
}

TEST(AuditLog, EditedRecordIsDetectedAtItsLine) {
  const auto path = logWithRecords(5);
  auto lines = readLines(path);
  const auto pos = lines[2].find("user2");
  ASSERT_NE(pos, std::string::npos);
  lines[2].replace(pos, 5, "userX");
  writeLines(path, lines);
  const auto result = AuditLog::openFile(path).verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems[0].line, 3u);
  EXPECT_EQ(result.problems[0].kind, "edited");
}

TEST(AuditLog, RemovedRecordIsDetectedWhereTheGapIs) {
  const auto path = logWithRecords(5);
  auto lines = readLines(path);
  lines.erase(lines.begin() + 1);
  writeLines(path, lines);
  const auto result = AuditLog::openFile(path).verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems[0].line, 2u);
  EXPECT_EQ(result.problems[0].kind, "removed");
}

TEST(AuditLog, ReorderedRecordsAreDetected) {
  const auto path = logWithRecords(5);
  auto lines = readLines(path);
  std::swap(lines[1], lines[3]);
  writeLines(path, lines);
  const auto result = AuditLog::openFile(path).verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems[0].kind, "reordered");
  EXPECT_EQ(result.problems[0].line, 2u);
  for (const auto& p : result.problems) EXPECT_NE(p.kind, "removed") << p.detail;
}

TEST(AuditLog, RemovalFromTheEndIsDetectedByTheAnchor) {
  const auto path = logWithRecords(5);
  auto lines = readLines(path);
  lines.pop_back();
  writeLines(path, lines);
  const auto result = AuditLog::openFile(path).verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems.back().kind, "truncated");
}

// Cutting records from the end and then letting the system append used to start the new record
// where the cut left off and overwrite the anchor, which erased the only trace of the cut.
TEST(AuditLog, AppendingAfterRecordsWereCutFromTheEndIsRefused) {
  const auto path = logWithRecords(5);
  auto lines = readLines(path);
  lines.resize(3);
  writeLines(path, lines);
  for (const bool emptied : {false, true}) {
    if (emptied) writeLines(path, {});
    auto log = AuditLog::openFile(path);
    try {
      log.requireAppendable();
      FAIL() << "requireAppendable accepted a cut log";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::IntegrityViolation);
      EXPECT_NE(std::string(e.what()).find("removed from the end"), std::string::npos) << e.what();
    }
    EXPECT_THROW(log.record(event("late", "9.9")), Error);
    EXPECT_EQ(readLines(path).size(), emptied ? 0u : 3u);  // nothing appended
    const auto result = log.verify();
    ASSERT_FALSE(result.intact());
    EXPECT_EQ(result.problems.back().kind, "truncated");
  }
  // Deleting the records file but not the anchor: still refused before any work.
  std::filesystem::remove(path);
  EXPECT_THROW(AuditLog::openFile(path).requireAppendable(), Error);
}

// A file log is created with its first record, so one that exists with no record and no anchor
// was emptied along with its anchor: that does not verify as intact.
TEST(AuditLog, EmptiedLogWithoutItsAnchorIsNotIntact) {
  const auto path = logWithRecords(3);
  writeLines(path, {});
  std::filesystem::remove(path.string() + ".head");
  const auto result = AuditLog::openFile(path).verify();
  EXPECT_EQ(result.records, 0u);
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems.front().kind, "truncated");
  EXPECT_NE(result.problems.front().detail.find("no anchor"), std::string::npos);
  // Nor can it be started again: its first record would begin a chain that verifies.
  EXPECT_THROW(AuditLog::openFile(path).requireAppendable(), Error);
  EXPECT_THROW(AuditLog::openFile(path).record(event("late", "9")), Error);
  EXPECT_EQ(readLines(path).size(), 0u);
  // Records cut and the anchor deleted: refused too, for the same reason.
  const auto cut = logWithRecords(4);
  auto lines = readLines(cut);
  lines.resize(2);
  writeLines(cut, lines);
  std::filesystem::remove(cut.string() + ".head");
  EXPECT_FALSE(AuditLog::openFile(cut).verify().intact());
  EXPECT_THROW(AuditLog::openFile(cut).requireAppendable(), Error);
  EXPECT_THROW(AuditLog::openFile(cut).record(event("late", "9")), Error);
  EXPECT_EQ(readLines(cut).size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(cut.string() + ".head"));
  // A log that was never created has nothing to verify and can be started.
  const auto fresh = test::temporaryDirectory("audit") / "new.log";
  EXPECT_NO_THROW(AuditLog::openFile(fresh).requireAppendable());
  AuditLog::openFile(fresh).record(event("a", "1"));
  EXPECT_TRUE(AuditLog::openFile(fresh).verify().intact());
}

TEST(AuditLog, KeyedChainCannotBeRecomputedWithoutTheKey) {
  const auto path = test::temporaryDirectory("audit") / "keyed.log";
  const KeyFile key = KeyFile::fromBytes(std::string(32, 'k'));
  {
    auto log = AuditLog::openFile(path, key);
    log.record(event("a", "1"));
    log.record(event("b", "2"));
  }
  EXPECT_TRUE(AuditLog::openFile(path, key).verify().intact());
  // A forger without the key who re-hashes with plain SHA-256 produces a chain the keyed
  // verifier rejects.
  EXPECT_FALSE(AuditLog::openFile(path).verify().intact());
}

// `deid --audit-log` with another project's key appended a record that broke the chain for
// good (under either key part of the log read as edited); the check before the run refuses it.
TEST(AuditLog, AppendingUnderAnotherKeyIsRefusedBeforeTheRun) {
  const auto path = test::temporaryDirectory("audit") / "keyed.log";
  const KeyFile mine = KeyFile::fromBytes(std::string(32, 'k'));
  const KeyFile other = KeyFile::fromBytes(std::string(32, 'o'));
  AuditLog::openFile(path, mine).record(event("a", "1"));
  EXPECT_NO_THROW(AuditLog::openFile(path, mine).requireAppendable());
  for (const std::optional<KeyFile>& wrong :
       {std::optional<KeyFile>(other), std::optional<KeyFile>()}) {
    try {
      AuditLog::openFile(path, wrong).requireAppendable();
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::IntegrityViolation);
      EXPECT_NE(std::string(e.what()).find("does not match its hash"), std::string::npos);
    }
  }
  EXPECT_EQ(readLines(path).size(), 1u);
  EXPECT_TRUE(AuditLog::openFile(path, mine).verify().intact());
}

TEST(AuditLog, ConcurrentWritersKeepTheChainIntact) {
  const auto path = test::temporaryDirectory("audit") / "audit.log";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto log = AuditLog::openFile(path);  // separate instances, like separate processes
      for (int i = 0; i < 25; ++i) log.record(event("t" + std::to_string(t), std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  const auto result = AuditLog::openFile(path).verify();
  EXPECT_EQ(result.records, 100u);
  EXPECT_TRUE(result.intact());
}

TEST(AuditLog, InvalidEventsAreRejectedBeforeWriting) {
  const auto path = test::temporaryDirectory("audit") / "audit.log";
  auto log = AuditLog::openFile(path);
  AuditEvent bad = event("u", "1");
  bad.action = 'Q';
  EXPECT_THROW(log.record(bad), Error);
  bad = event("u", "1");
  bad.participants.clear();
  EXPECT_THROW(log.record(bad), Error);
  EXPECT_FALSE(std::filesystem::exists(path) && std::filesystem::file_size(path) > 0);
}

}  // namespace
}  // namespace medsight

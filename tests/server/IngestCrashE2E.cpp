// kill -9 during DICOM ingest: after a restart every acknowledged instance is present and
// readable, and no stored row lacks its file.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "ServerTestHarness.h"
#include "privacy/AtRestCipher.h"
#include "privacy/KeyFile.h"
#include "server/DicomObject.h"
#include "server/DicomSender.h"
#include "store/Database.h"
#include "store/InstanceFileStore.h"
#include "store/StudyStore.h"
#include "support/TestData.h"

extern char** environ;

namespace medsight {
namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `medsight serve` as a child process; waits for its ready file.
pid_t startServer(const fs::path& data, int dicomPort, const fs::path& ready) {
  fs::remove(ready);
  const std::string exe = test::medsightExecutable().string();
  std::vector<std::string> args{
      exe,           "serve",       "--port",    "0", "--dicom-port", std::to_string(dicomPort),
      "--data",      data.string(), "--workers", "0", "--ready-file", ready.string(),
      "--log-level", "warn"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return 0;
  for (int i = 0; i < 300; ++i) {
    if (fs::exists(ready)) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return 0;
}

TEST(IngestCrashE2E, KillNineDuringIngestKeepsEveryAcknowledgedInstance) {
  MEDSIGHT_DATASET(sts, "sts/dicom/STS_001");
  std::vector<std::string> objects;
  for (const auto& e : fs::recursive_directory_iterator(sts)) {
    if (e.is_regular_file()) objects.push_back(slurp(e.path()));
  }
  ASSERT_GT(objects.size(), 100u);
  const auto data = test::temporaryDirectory("crash") / "data";
  const auto ready = data.parent_path() / "ready.json";
  const int port = test::freePort();
  pid_t pid = startServer(data, port, ready);
  ASSERT_NE(pid, 0) << "medsight serve did not start";

  // One association per instance, so each success is one durable acknowledgement.
  std::vector<std::string> acknowledged;
  std::atomic<bool> killed{false};
  std::atomic<std::size_t> acks{0};
  std::thread killer([&] {
    while (acks.load() < 40) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    kill(pid, SIGKILL);  // lands while the sender keeps sending: mid-ingest
    killed = true;
  });
  for (const auto& object : objects) {
    try {
      DicomSender::send({"MEDSIGHT", "127.0.0.1", port, "CRASHTEST"}, {object});
      acknowledged.push_back(DicomObject::parse(object, "sent").summary.sopInstanceUid);
      ++acks;
    } catch (const std::exception&) {
      if (killed) break;
    }
  }
  if (!killed) acks = objects.size();  // let the killer finish if every send went through
  killer.join();
  waitpid(pid, nullptr, 0);
  ASSERT_GE(acknowledged.size(), 40u);
  ASSERT_LT(acknowledged.size(), objects.size()) << "the kill came after everything was sent";

  // Restart on the same data: recovery must succeed and the receiver must work again.
  pid = startServer(data, port, ready);
  ASSERT_NE(pid, 0) << "medsight serve did not restart after kill -9";
  EXPECT_NO_THROW(
      DicomSender::send({"MEDSIGHT", "127.0.0.1", port, "CRASHTEST"}, {objects.back()}));
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);

  auto db = Database::open("sqlite:" + (data / "medsight.db").string(), 1);
  StudyStore studies(*db);
  const InstanceFileStore files(data / "files", AtRestCipher(KeyFile::load(data / "medsight.key")));
  for (const auto& uid : acknowledged) {
    const auto instance = studies.findInstance(uid);
    ASSERT_TRUE(instance) << "acknowledged instance " << uid << " lost";
  }
  // Every stored row has a complete, authentic file (nothing half-present).
  std::size_t rows = 0;
  for (const auto& name : studies.allFileNames()) {
    ++rows;
    const std::string bytes = files.read(name);
    EXPECT_NO_THROW(DicomObject::parse(bytes, name));
  }
  EXPECT_GE(rows, acknowledged.size());
}

}  // namespace
}  // namespace medsight

// `medsight deid`, `deid-verify`, `audit verify` and `keygen` as a user runs them, including bad
// input: nothing half-written, input untouched, clear errors and exit codes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/Error.h"
#include "support/TestData.h"

namespace medsight {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

CliRun medsight(const std::string& args) {
  CliRun r;
  r.status = test::runCommand(test::medsightExecutable().string() + " -q " + args, &r.out, &r.err);
  return r;
}

/// Path -> size and content hash of every file below `root`, to prove the input is untouched.
std::map<std::string, std::size_t> snapshot(const fs::path& root) {
  std::map<std::string, std::size_t> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    files[e.path().string()] = std::hash<std::string>{}(text.str());
  }
  return files;
}

std::size_t countFiles(const fs::path& root, const std::string& fragment = "") {
  std::size_t n = 0;
  if (!fs::exists(root)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().filename().string().find(fragment) != std::string::npos)
      ++n;
  }
  return n;
}

/// An input folder with three real CT slices, a text file and a broken link.
fs::path mixedInput(const fs::path& dir) {
  const fs::path ct = test::datasetPath("sts/dicom/STS_002/CT/image");
  const fs::path input = dir / "in";
  fs::create_directories(input / "series");
  std::size_t copied = 0;
  for (const auto& e : fs::directory_iterator(ct)) {
    if (copied++ == 3) break;
    fs::copy_file(e.path(), input / "series" / e.path().filename());
  }
  std::ofstream(input / "series" / "notes.txt") << "not DICOM: call Dr Smith";
  fs::create_symlink(input / "does-not-exist.dcm", input / "series" / "broken.dcm");
  return input;
}

class DeidCliE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::datasetPath("sts/dicom/STS_002/CT/image").empty()) {
      if (test::dataRequired()) FAIL() << test::missingDataMessage("sts/dicom");
      GTEST_SKIP() << test::missingDataMessage("sts/dicom");
    }
    dir_ = test::temporaryDirectory("deid-cli");
    key_ = dir_ / "project.key";
    ASSERT_EQ(medsight("keygen " + key_.string()).status, 0);
  }
  fs::path dir_, key_;
};

TEST_F(DeidCliE2E, MixedFolderDoesGoodFilesReportsBadOnesAndLeavesInputUntouched) {
  const fs::path input = mixedInput(dir_);
  const auto before = snapshot(input);
  const CliRun r = medsight("--json deid " + input.string() + " " + (dir_ / "out").string() +
                            " --profile basic --key " + key_.string());
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.status, 44) << r.err;  // DeidentificationFailed
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["files_total"], 5);
  EXPECT_EQ(summary["done"], 3);
  ASSERT_EQ(summary["failed"].size(), 2u);
  const std::string failures = summary["failed"].dump();
  EXPECT_NE(failures.find("notes.txt"), std::string::npos);
  EXPECT_NE(failures.find("not a DICOM file"), std::string::npos);
  EXPECT_NE(failures.find("broken.dcm"), std::string::npos);
  EXPECT_NE(r.err.find("2 of 5 files failed"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(input), before) << "input changed";
  EXPECT_EQ(countFiles(dir_ / "out", ".dcm"), 3u);
  EXPECT_EQ(countFiles(dir_ / "out", ".part-"), 0u) << "temporary files left behind";
  // Output paths carry no original identifiers (folder names here contain none, the patient
  // name STS_002 must not appear).
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "out")) {
    EXPECT_EQ(e.path().string().find("STS_002"), std::string::npos) << e.path();
  }
  const CliRun verify =
      medsight("deid-verify " + (dir_ / "out").string() + " --originals " + input.string());
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  // The originals themselves fail verification: the check can fail.
  const CliRun raw = medsight("deid-verify " + input.string());
  EXPECT_EQ(raw.status, 44) << raw.out;
  const CliRun dump = medsight("info " + (dir_ / "out").string());
  EXPECT_EQ(dump.status, 0) << "medsight info cannot load the output: " << dump.err;
}

TEST_F(DeidCliE2E, AnOutputFolderTypedWithATrailingSlashWorks) {
  // Tab completion types "out/". The default quarantine folder goes beside it ("out-quarantine"),
  // not inside it ("out/-quarantine", which the inside-the-output check then refused).
  const fs::path input = mixedInput(dir_);
  fs::remove(input / "series" / "notes.txt");
  fs::remove(input / "series" / "broken.dcm");
  const CliRun r = medsight("deid " + input.string() + " " + (dir_ / "out").string() + "/ --key " +
                            key_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(countFiles(dir_ / "out", ".dcm"), 3u);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "-quarantine"));
}

TEST_F(DeidCliE2E, SingleFileInputAndLeftoversOfAKilledRunAreCleanedUp) {
  const fs::path input = mixedInput(dir_);
  fs::create_directories(dir_ / "out" / "x");
  std::ofstream(dir_ / "out" / "x" / ".000001.part-999-0.dcm") << "half a file";
  fs::path first;
  for (const auto& e : fs::directory_iterator(input / "series")) {
    if (e.path().extension() == ".dcm" && !fs::is_symlink(e.path())) first = e.path();
  }
  const CliRun r = medsight("deid " + first.string() + " " + (dir_ / "out").string() + " --key " +
                            key_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(countFiles(dir_ / "out", ".part-"), 0u) << "stale temporary not removed";
  EXPECT_EQ(countFiles(dir_ / "out", ".dcm"), 1u);
}

TEST_F(DeidCliE2E, OutputInsideInputIsRefusedBeforeWritingAnything) {
  const fs::path input = mixedInput(dir_);
  const auto before = snapshot(input);
  const CliRun r = medsight("deid " + input.string() + " " + (input / "deid").string() + " --key " +
                            key_.string());
  EXPECT_EQ(r.status, 2) << r.err;  // InvalidArgument
  EXPECT_NE(r.err.find("inside"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(input / "deid"));
  EXPECT_EQ(snapshot(input), before);
}

// The table's folder was found missing only after every file was released, leaving the batch
// without its mapping; an audit log chained under another key was appended to and broken;
// deid-verify with --originals that do not exist checked nothing and passed.
TEST_F(DeidCliE2E, TableFolderAuditKeyAndOriginalsAreCheckedBeforeAnyWork) {
  const fs::path input = mixedInput(dir_);
  CliRun r = medsight("deid " + input.string() + " " + (dir_ / "out").string() + " --key " +
                      key_.string() + " --reid-table " + (dir_ / "nodir" / "x.tbl").string());
  EXPECT_EQ(r.status, errorCodeInfo(ErrorCode::FileNotFound).exitCode) << r.err;
  EXPECT_NE(r.err.find("re-identification table's folder"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));

  const fs::path otherKey = dir_ / "other.key";
  ASSERT_EQ(medsight("keygen " + otherKey.string()).status, 0);
  // (The mixed input's broken link fails, exit DeidentificationFailed; the run is recorded.)
  medsight("deid " + input.string() + " " + (dir_ / "a").string() + " --key " + key_.string() +
           " --audit-log " + (dir_ / "audit.log").string());
  ASSERT_TRUE(fs::exists(dir_ / "audit.log"));
  r = medsight("deid " + input.string() + " " + (dir_ / "b").string() + " --key " +
               otherKey.string() + " --audit-log " + (dir_ / "audit.log").string());
  EXPECT_EQ(r.status, errorCodeInfo(ErrorCode::IntegrityViolation).exitCode) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "b"));
  EXPECT_EQ(
      medsight("audit verify " + (dir_ / "audit.log").string() + " --key " + key_.string()).status,
      0);
  r = medsight("audit verify " + (dir_ / "audit.log").string() + " --key " + otherKey.string());
  EXPECT_EQ(r.status, errorCodeInfo(ErrorCode::IntegrityViolation).exitCode);
  EXPECT_NE(r.err.find("no record matches its hash under this key"), std::string::npos) << r.err;

  r = medsight("deid-verify " + (dir_ / "a").string() + " --originals " +
               (dir_ / "nowhere").string());
  EXPECT_EQ(r.status, errorCodeInfo(ErrorCode::FileNotFound).exitCode) << r.err;
  fs::create_directories(dir_ / "empty");
  r = medsight("deid-verify " + (dir_ / "a").string() + " --originals " +
               (dir_ / "empty").string());
  EXPECT_EQ(r.status, errorCodeInfo(ErrorCode::EmptyInput).exitCode) << r.err;
}

TEST_F(DeidCliE2E, MissingOrWorldReadableKeyIsRefusedBeforeWritingAnything) {
  const fs::path input = mixedInput(dir_);
  CliRun r = medsight("deid " + input.string() + " " + (dir_ / "out").string() + " --key " +
                      (dir_ / "absent.key").string());
  EXPECT_EQ(r.status, 42) << r.err;  // KeyMissing
  EXPECT_NE(r.err.find("absent.key"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  ::chmod(key_.c_str(), 0644);
  r = medsight("deid " + input.string() + " " + (dir_ / "out").string() + " --key " +
               key_.string());
  EXPECT_EQ(r.status, 42) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(DeidCliE2E, UnreadableFileIsReportedAndOthersAreDone) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files regardless of permissions";
  const fs::path input = mixedInput(dir_);
  const fs::path locked = input / "series" / "locked.dcm";
  fs::copy_file(*fs::directory_iterator(input / "series"), locked);
  ::chmod(locked.c_str(), 0);
  const CliRun r = medsight("--json deid " + input.string() + " " + (dir_ / "out").string() +
                            " --key " + key_.string());
  EXPECT_NE(r.out.find("locked.dcm"), std::string::npos);
  EXPECT_NE(r.out.find("cannot open"), std::string::npos);
}

TEST_F(DeidCliE2E, SamePatientGetsTheSamePseudonymAcrossBatches) {
  const fs::path input = mixedInput(dir_);
  ASSERT_NE(
      medsight("deid " + input.string() + " " + (dir_ / "a").string() + " --key " + key_.string())
          .status,
      -1);
  ASSERT_NE(
      medsight("deid " + input.string() + " " + (dir_ / "b").string() + " --key " + key_.string())
          .status,
      -1);
  std::vector<std::string> a, b;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "a"))
    a.push_back(fs::relative(e.path(), dir_ / "a"));
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "b"))
    b.push_back(fs::relative(e.path(), dir_ / "b"));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b) << "pseudonym and UID paths must repeat under the same key";
}

TEST_F(DeidCliE2E, ReidentificationTableIsEncryptedAndAuditRunIsRecorded) {
  const fs::path input = mixedInput(dir_);
  const fs::path table = dir_ / "reid.bin";
  const fs::path log = dir_ / "audit.log";
  medsight("deid " + input.string() + " " + (dir_ / "out").string() + " --key " + key_.string() +
           " --reid-table " + table.string() + " --audit-log " + log.string() + " --user alice");
  ASSERT_TRUE(fs::exists(table));
  std::stringstream sealed;
  sealed << std::ifstream(table, std::ios::binary).rdbuf();
  EXPECT_EQ(sealed.str().find("STS_002"), std::string::npos) << "table stored in clear";
  struct stat info {};
  ::stat(table.c_str(), &info);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const CliRun verify = medsight("audit verify " + log.string() + " --key " + key_.string());
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_NE(medsight("audit show " + log.string()).out.find("alice"), std::string::npos);
}

TEST_F(DeidCliE2E, AuditVerifyNamesTheLineOfAnEditedRecord) {
  const fs::path log = dir_ / "audit.log";
  const fs::path input = mixedInput(dir_);
  for (const char* out : {"o1", "o2", "o3"}) {
    medsight("deid " + input.string() + " " + (dir_ / out).string() + " --key " + key_.string() +
             " --audit-log " + log.string() + " --user bob");
  }
  std::vector<std::string> lines;
  {
    std::ifstream in(log);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), 3u);
  lines[1].replace(lines[1].find("bob"), 3, "eve");
  {
    std::ofstream out(log, std::ios::trunc);
    for (const auto& l : lines) out << l << '\n';
  }
  const CliRun r = medsight("audit verify " + log.string() + " --key " + key_.string());
  EXPECT_EQ(r.status, 43) << r.out << r.err;  // IntegrityViolation
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
}

// The records a run keeps (key, re-identification table, audit log) and its inputs are never
// overwritten by --summary; a log that cannot be appended to is found before anything is
// released; a table from an earlier batch is extended.
TEST_F(DeidCliE2E, RecordsAreNeverOverwrittenAndAreCheckedBeforeTheBatch) {
  const fs::path input = mixedInput(dir_);
  fs::remove(input / "series" / "notes.txt");
  fs::remove(input / "series" / "broken.dcm");
  const fs::path table = dir_ / "reid.bin";
  const fs::path log = dir_ / "audit.log";
  const std::string common = " --key " + key_.string() + " --reid-table " + table.string() +
                             " --audit-log " + log.string();
  ASSERT_EQ(medsight("deid " + input.string() + " " + (dir_ / "o1").string() + common).status, 0);
  const auto kept = snapshot(dir_);
  const std::string firstSlice = fs::directory_iterator(input / "series")->path().string();
  for (const std::string& target :
       {key_.string(), table.string(), log.string(), firstSlice, (input / "summary.json").string(),
        (dir_ / "o2" / "summary.json").string()}) {
    const CliRun r = medsight("deid " + input.string() + " " + (dir_ / "o2").string() + common +
                              " --summary " + target);
    EXPECT_EQ(r.status, 2) << target << ": " << r.err;  // InvalidArgument
    EXPECT_FALSE(fs::exists(dir_ / "o2")) << target;
  }
  EXPECT_EQ(snapshot(dir_), kept);
  // A second batch extends the table and the log.
  const CliRun second = medsight("deid " + input.string() + " " + (dir_ / "o2").string() + common +
                                 " --summary " + (dir_ / "s.json").string());
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_TRUE(fs::exists(dir_ / "s.json"));
  EXPECT_EQ(medsight("audit verify " + log.string() + " --key " + key_.string()).status, 0);
  // Not an audit log: refused before the output folder is made.
  std::ofstream(dir_ / "garbage.log") << "garbage\n";
  const CliRun bad = medsight("deid " + input.string() + " " + (dir_ / "o3").string() + " --key " +
                              key_.string() + " --audit-log " + (dir_ / "garbage.log").string());
  EXPECT_EQ(bad.status, 43) << bad.err;  // IntegrityViolation
  EXPECT_NE(bad.err.find("garbage.log: last audit record is malformed"), std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(dir_ / "o3"));
  // `audit` reads audit logs only: a DICOM file is not dumped, a folder is not "0 records,
  // intact", and a keyed log checked without its key says so.
  const CliRun dicom = medsight("audit show " + firstSlice);
  EXPECT_EQ(dicom.status, 43) << dicom.err;
  EXPECT_TRUE(dicom.out.empty());
  EXPECT_EQ(medsight("audit verify " + input.string()).status, 2);
  const CliRun unkeyed = medsight("audit verify " + log.string());
  EXPECT_EQ(unkeyed.status, 43);
  EXPECT_NE(unkeyed.err.find("check it with --key"), std::string::npos) << unkeyed.err;
  EXPECT_EQ(medsight("audit show " + log.string() + " --tail -1").status, 2);
  // Nothing to do is not success: an empty input folder, a folder with no DICOM to verify.
  fs::create_directories(dir_ / "empty");
  const CliRun none = medsight("deid " + (dir_ / "empty").string() + " " + (dir_ / "o4").string() +
                               " --key " + key_.string());
  EXPECT_EQ(none.status, errorCodeInfo(ErrorCode::EmptyInput).exitCode) << none.err;
  EXPECT_FALSE(fs::exists(dir_ / "o4"));
  EXPECT_EQ(medsight("deid-verify " + (dir_ / "empty").string()).status,
            errorCodeInfo(ErrorCode::EmptyInput).exitCode);
}

}  // namespace
}  // namespace medsight

#include "support/TestData.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <vector>

#include "core/DatasetLocator.h"
#include "core/Version.h"

namespace medsight::test {
namespace {

std::mutex gTempMutex;
std::vector<std::filesystem::path> gTempDirs;

void removeTempDirs() {
  std::lock_guard lock(gTempMutex);
  for (const auto& d : gTempDirs) {
    std::error_code ec;
    std::filesystem::remove_all(d, ec);
  }
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::filesystem::path datasetPath(const std::string& relative) {
  auto p = DatasetLocator::find(relative);
  return p ? *p : std::filesystem::path();
}

bool dataRequired() {
  const char* v = std::getenv("MEDSIGHT_REQUIRE_DATA");
  return v != nullptr && std::string(v) == "1";
}

std::string missingDataMessage(const std::string& relative) {
  return "dataset '" + relative + "' not found; searched " + DatasetLocator::searchedPlaces() +
         (dataRequired() ? " and MEDSIGHT_REQUIRE_DATA=1 makes this a failure"
                         : "; skipping (set MEDSIGHT_REQUIRE_DATA=1 to fail instead)");
}

std::filesystem::path temporaryDirectory(const std::string& prefix) {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(removeTempDirs); });
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p =
        base / ("medsight-" + prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::error_code ec;
    if (std::filesystem::create_directory(p, ec)) {
      std::lock_guard lock(gTempMutex);
      gTempDirs.push_back(p);
      return p;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

std::filesystem::path medsightExecutable() {
  if (const char* b = std::getenv("MEDSIGHT_BINARY_DIR")) {
    return std::filesystem::path(b) / "apps" / "medsight" / "medsight";
  }
  return std::filesystem::path("apps") / "medsight" / "medsight";
}

int runCommand(const std::string& command, std::string* stdoutText, std::string* stderrText) {
  const auto dir = temporaryDirectory("cmd");
  const auto out = dir / "stdout";
  const auto err = dir / "stderr";
  const std::string full = "(" + command + ") >" + out.string() + " 2>" + err.string();
  const int status = std::system(full.c_str());
  if (stdoutText) *stdoutText = readFile(out);
  if (stderrText) *stderrText = readFile(err);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (status == -1) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void flipByte(const std::filesystem::path& file, std::streamoff offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto dir = offset < 0 ? std::ios::end : std::ios::beg;
  f.seekg(offset, dir);
  const int c = f.get();
  if (c == std::char_traits<char>::eof()) throw std::runtime_error("flipByte: no byte there");
  f.seekp(offset, dir);
  f.put(static_cast<char>(~c));
  if (!f) throw std::runtime_error("flipByte: cannot write " + file.string());
}

int medsight(const std::string& args, std::string* stdoutText, std::string* stderrText) {
  return runCommand(medsightExecutable().string() + " " + args, stdoutText, stderrText);
}

}  // namespace medsight::test

#include "PostgresTestServer.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

#include "store/PostgresConnection.h"
#include "support/TestData.h"

namespace medsight::test {
namespace fs = std::filesystem;
namespace {

fs::path findBinaries() {
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(e.path() / "bin" / "initdb")) candidates.push_back(e.path() / "bin");
  }
  std::sort(candidates.begin(), candidates.end());
  return candidates.empty() ? fs::path() : candidates.back();
}

std::unique_ptr<PostgresTestServer>& holder() {
  static std::unique_ptr<PostgresTestServer> server;
  return server;
}

std::string& failure() {
  static std::string why;
  return why;
}

}  // namespace

PostgresTestServer* PostgresTestServer::instance() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto server = std::make_unique<PostgresTestServer>();
    std::string why;
    if (server->start(why)) {
      holder() = std::move(server);
    } else {
      failure() = why;
    }
  });
  return holder().get();
}

const std::string& PostgresTestServer::whyUnavailable() {
  return failure();
}

std::string PostgresTestServer::run(const std::string& command) const {
  const std::string full =
      asPostgresUser_ ? "runuser -u postgres -- sh -c '" + command + "'" : command;
  std::string out, err;
  const int rc = runCommand(full, &out, &err);
  return rc == 0 ? std::string()
                 : "`" + command + "` failed (" + std::to_string(rc) + "): " + err + out;
}

bool PostgresTestServer::start(std::string& why) {
  bin_ = findBinaries();
  if (bin_.empty()) {
    why = "no /usr/lib/postgresql/*/bin/initdb";
    return false;
  }
  // Unix socket paths are limited to ~107 bytes: keep the folder short.
  char pattern[] = "/tmp/mspg-XXXXXX";
  if (!mkdtemp(pattern)) {
    why = "cannot create a temporary folder";
    return false;
  }
  root_ = pattern;
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (!pw) {
      why = "running as root and there is no postgres system user";
      return false;
    }
    asPostgresUser_ = true;
    if (chown(root_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      why = "cannot hand " + root_.string() + " to the postgres user";
      return false;
    }
  }
  const std::string data = (root_ / "data").string();
  // initdb takes seconds and every ctest test is its own process: initialise one template
  // cluster per machine (under a lock) and copy it, which takes a fraction of that.
  const fs::path templateRoot = fs::temp_directory_path() /
                                ("medsight-pg-template-" + bin_.parent_path().filename().string());
  {
    const int lockFd = ::open((templateRoot.string() + ".lock").c_str(), O_CREAT | O_RDWR, 0600);
    if (lockFd >= 0) flock(lockFd, LOCK_EX);
    if (!fs::exists(templateRoot / "ready")) {
      std::error_code ec;
      fs::remove_all(templateRoot, ec);
      fs::create_directories(templateRoot, ec);
      if (asPostgresUser_) {
        const passwd* pw = getpwnam("postgres");
        if (chown(templateRoot.c_str(), pw->pw_uid, pw->pw_gid) != 0)
          ec = std::make_error_code(std::errc::permission_denied);
      }
      if (auto e = run(bin_.string() + "/initdb -D " + (templateRoot / "data").string() +
                       " -U medsight --auth=trust -E UTF8 --no-sync >" + root_.string() +
                       "/initdb.log 2>&1");
          !e.empty()) {
        why = e;
        if (lockFd >= 0) ::close(lockFd);
        return false;
      }
      std::ofstream(templateRoot / "ready") << "initdb done\n";
    }
    if (lockFd >= 0) ::close(lockFd);
  }
  if (auto e = run("cp -a " + (templateRoot / "data").string() + " " + data); !e.empty()) {
    why = e;
    return false;
  }
  // Socket only (listen_addresses empty); fsync off: a test server need not survive power loss.
  if (auto e = run(bin_.string() + "/pg_ctl -D " + data + " -w -t 60 -l " + root_.string() +
                   "/server.log -o \"-k " + root_.string() +
                   " -c listen_addresses= -c fsync=off -c synchronous_commit=off "
                   "-c max_connections=200\" start >/dev/null");
      !e.empty()) {
    why = e;
    return false;
  }
  started_ = true;
  return true;
}

std::string PostgresTestServer::createDatabase(const std::string& prefix) {
  const std::string name =
      prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  const std::string admin = "postgresql:///postgres?host=" + root_.string() + "&user=medsight";
  PostgresConnection connection(admin);
  connection.executeScript("CREATE DATABASE " + name);
  return "postgresql:///" + name + "?host=" + root_.string() + "&user=medsight";
}

PostgresTestServer::~PostgresTestServer() {
  if (started_)
    run(bin_.string() + "/pg_ctl -D " + (root_ / "data").string() +
        " -m immediate stop >/dev/null 2>&1");
  std::error_code ec;
  fs::remove_all(root_, ec);
}

}  // namespace medsight::test

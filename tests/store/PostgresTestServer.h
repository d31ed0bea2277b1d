#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace medsight::test {

/// \brief A throw-away PostgreSQL server for tests: initdb into a temporary folder, listening
/// only on a Unix socket in that folder (no TCP port), started with pg_ctl from Debian's
/// `postgresql` package and stopped at process exit. Runs the server as the `postgres` system
/// user when the tests run as root (PostgreSQL refuses to run as root).
class PostgresTestServer {
 public:
  /// \brief The shared server of this test process, started on first use; nullptr (with
  /// `whyUnavailable()` set) when it cannot start.
  static PostgresTestServer* instance();
  /// \brief Why the server could not start.
  static const std::string& whyUnavailable();
  /// \brief A URL to a new empty database named after `prefix` (unique per call).
  std::string createDatabase(const std::string& prefix);
  PostgresTestServer() = default;
  ~PostgresTestServer();

 private:
  bool start(std::string& why);
  std::string run(const std::string& command) const;
  std::filesystem::path root_;
  std::filesystem::path bin_;
  bool asPostgresUser_ = false;
  bool started_ = false;
  int databases_ = 0;
};

}  // namespace medsight::test

/// \brief Skips the test (fails under MEDSIGHT_REQUIRE_DATA=1) when no PostgreSQL can start.
#define MEDSIGHT_REQUIRE_POSTGRES(var)                                                     \
  auto* var = ::medsight::test::PostgresTestServer::instance();                            \
  if (!var) {                                                                              \
    if (::medsight::test::dataRequired()) {                                                \
      FAIL() << "PostgreSQL test server unavailable: "                                     \
             << ::medsight::test::PostgresTestServer::whyUnavailable();                    \
    } else {                                                                               \
      GTEST_SKIP() << "PostgreSQL test server unavailable (install Debian's postgresql): " \
                   << ::medsight::test::PostgresTestServer::whyUnavailable();              \
    }                                                                                      \
  }

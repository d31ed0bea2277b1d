#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "PostgresTestServer.h"
#include "store/Database.h"
#include "support/TestData.h"

namespace medsight::test {

/// \brief Runs a test once per database engine ("sqlite", "postgres"): the same store code and
/// the same assertions on both.
class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  /// \brief A URL to a fresh empty database of the test's engine (skips the PostgreSQL
  /// variant when no server can start; fails then under MEDSIGHT_REQUIRE_DATA=1).
  std::string freshUrl() {
    if (GetParam() == "postgres") {
      auto* server = PostgresTestServer::instance();
      if (!server) return {};
      return server->createDatabase("t");
    }
    return "sqlite:" + (temporaryDirectory("store") / "medsight.db").string();
  }
};

}  // namespace medsight::test

/// \brief Declares `db` as a freshly opened Database of the test's engine.
#define MEDSIGHT_OPEN_BACKEND(db, url)                                                     \
  const std::string url = freshUrl();                                                      \
  if (url.empty()) {                                                                       \
    if (::medsight::test::dataRequired()) {                                                \
      FAIL() << "PostgreSQL test server unavailable: "                                     \
             << ::medsight::test::PostgresTestServer::whyUnavailable();                    \
    } else {                                                                               \
      GTEST_SKIP() << "PostgreSQL test server unavailable (install Debian's postgresql): " \
                   << ::medsight::test::PostgresTestServer::whyUnavailable();              \
    }                                                                                      \
  }                                                                                        \
  auto db = ::medsight::Database::open(url)

#include "store/UserStore.h"

#include <gtest/gtest.h>

#include "StoreBackendFixture.h"
#include "core/Error.h"

namespace medsight {
namespace {

using UserStoreBackend = test::StoreBackendTest;

TEST_P(UserStoreBackend, SessionsExpireAndNamesAreUnique) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  UserStore users(*db);
  const auto alice = users.create("alice", "$argon2id$fake", "radiologist", "Dr Alice");
  EXPECT_THROW(users.create("alice", "x", "researcher", ""), Error);
  const auto now = Database::nowMillis();
  users.createSession("live", alice.id, now + 60000);
  users.createSession("dead", alice.id, now - 1);
  ASSERT_TRUE(users.sessionUser("live"));
  EXPECT_EQ(users.sessionUser("live")->role, "radiologist");
  EXPECT_FALSE(users.sessionUser("dead"));
  EXPECT_FALSE(users.sessionUser("unknown"));
  EXPECT_EQ(users.purgeExpiredSessions(), 1);
  users.deleteSession("live");
  EXPECT_FALSE(users.sessionUser("live"));
  EXPECT_TRUE(users.list().at(0).passwordHash.empty()) << "listing must not expose hashes";
}

INSTANTIATE_TEST_SUITE_P(Engines, UserStoreBackend, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace medsight

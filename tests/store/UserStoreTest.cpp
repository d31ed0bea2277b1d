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
  // An empty name logged in; NUL, spaces and path parts made the audit trail's "who" ambiguous.
  for (const std::string bad : {std::string(), std::string("   "), std::string("n6\0admin", 8),
                                std::string("../x"), std::string(65, 'a')}) {
    try {
      users.create(bad, "$argon2id$fake", "researcher", "");
      ADD_FAILURE() << "accepted a name of " << bad.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    }
  }
  EXPECT_NO_THROW(users.create("dr.wang-2@ward_7", "$argon2id$fake", "radiologist", ""));
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

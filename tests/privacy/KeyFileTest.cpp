#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/Error.h"
#include "privacy/KeyFile.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using test::codeOf;

TEST(KeyFile, CreatesOwnerOnlyFileAndReloadsTheSameKey) {
  const auto dir = test::temporaryDirectory("keyfile");
  const auto path = dir / "project.key";
  const KeyFile created = KeyFile::create(path);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  const KeyFile loaded = KeyFile::load(path);
  EXPECT_EQ(created.fingerprint(), loaded.fingerprint());
  EXPECT_EQ(created.derive("uid"), loaded.derive("uid"));
  EXPECT_NE(loaded.derive("uid"), loaded.derive("pseudonym"));
}

TEST(KeyFile, NeverOverwritesAnExistingKey) {
  const auto path = test::temporaryDirectory("keyfile") / "k";
  const KeyFile first = KeyFile::create(path);
  EXPECT_EQ(codeOf([&] { KeyFile::create(path); }), ErrorCode::Conflict);
  EXPECT_EQ(KeyFile::load(path).fingerprint(), first.fingerprint());
}

TEST(KeyFile, MissingOrUnsafeOrMalformedKeyIsKeyMissing) {
  const auto dir = test::temporaryDirectory("keyfile");
  EXPECT_EQ(codeOf([&] { KeyFile::load(dir / "absent.key"); }), ErrorCode::KeyMissing);
  const auto open = dir / "open.key";
  KeyFile::create(open);
  ::chmod(open.c_str(), 0644);
  EXPECT_EQ(codeOf([&] { KeyFile::load(open); }), ErrorCode::KeyMissing);
  const auto shortKey = dir / "short.key";
  std::ofstream(shortKey) << "too short";
  ::chmod(shortKey.c_str(), 0600);
  EXPECT_EQ(codeOf([&] { KeyFile::load(shortKey); }), ErrorCode::KeyMissing);
}

}  // namespace
}  // namespace medsight

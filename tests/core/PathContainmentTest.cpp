#include <gtest/gtest.h>

#include "core/PathContainment.h"
#include "support/TestData.h"

namespace medsight {
namespace {

TEST(PathContainment, ComparesWholeComponentsNotCharacters) {
  EXPECT_TRUE(PathContainment::isWithin("/data/ct/s1.dcm", "/data/ct"));
  EXPECT_TRUE(PathContainment::isStrictlyInside("/data/ct/s1.dcm", "/data/ct"));
  EXPECT_TRUE(PathContainment::isStrictlyInside("/data/ct/a/b", "/data/ct/"));
  // A sibling whose name starts with the folder's is not inside it.
  EXPECT_FALSE(PathContainment::isWithin("/data/ct2/s1.dcm", "/data/ct"));
  EXPECT_FALSE(PathContainment::isWithin("/data", "/data/ct"));
}

TEST(PathContainment, TheFolderItselfIsWithinButNotStrictlyInside) {
  EXPECT_TRUE(PathContainment::isWithin("/data/ct", "/data/ct"));
  EXPECT_TRUE(PathContainment::isWithin("/data/ct/", "/data/ct"));
  EXPECT_FALSE(PathContainment::isStrictlyInside("/data/ct", "/data/ct"));
  EXPECT_FALSE(PathContainment::isStrictlyInside("/data/ct/", "/data/ct"));
  EXPECT_FALSE(PathContainment::isStrictlyInside("/data/ct", "/data/ct/"));
  EXPECT_TRUE(PathContainment::isWithin("/data/ct", "/data/ct/"));
}

// A link to the data folder is inside it; a trailing separator and "." make no difference; a
// path that does not exist yet (an output) keeps its not-yet-existing tail.
TEST(PathContainment, CanonicalResolvesLinksAndTrailingSeparators) {
  namespace fs = std::filesystem;
  const auto tmp = fs::canonical(test::temporaryDirectory("path-canonical"));
  fs::create_directories(tmp / "data" / "ct");
  fs::create_directory_symlink(tmp / "data", tmp / "link");
  EXPECT_EQ(PathContainment::canonical(tmp / "link" / "ct" / ""), tmp / "data" / "ct");
  EXPECT_EQ(PathContainment::canonical(tmp / "data" / "." / "ct"), tmp / "data" / "ct");
  EXPECT_EQ(PathContainment::canonical(tmp / "link" / "new" / "out.nii"),
            tmp / "data" / "new" / "out.nii");
  EXPECT_TRUE(PathContainment::isStrictlyInside(PathContainment::canonical(tmp / "link" / "x"),
                                                PathContainment::canonical(tmp / "data/")));
  EXPECT_TRUE(PathContainment::canonical("relative/out").is_absolute());
}

}  // namespace
}  // namespace medsight

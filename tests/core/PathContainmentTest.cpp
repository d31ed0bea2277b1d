#include <gtest/gtest.h>

#include "core/PathContainment.h"

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

}  // namespace
}  // namespace medsight

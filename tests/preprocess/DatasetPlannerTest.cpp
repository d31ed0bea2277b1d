#include <gtest/gtest.h>

#include <string>

#include "core/Error.h"
#include "preprocess/DatasetPlanner.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

// Three cases of 1 x 1 x 3 mm, about 160 x 150 x 40 voxels: a small anisotropic MR cohort.
DatasetFingerprint smallCohort() {
  DatasetFingerprint fp;
  for (int i = 0; i < 3; ++i) {
    CaseFingerprint c;
    c.id = "case" + std::to_string(i);
    c.spacing = {1.0, 1.0, 3.0};
    c.size = {static_cast<std::size_t>(150 + 10 * i), 150, 40};
    c.modality = "MR";
    c.foregroundFraction = 0.05;
    fp.cases.push_back(c);
  }
  return fp;
}

std::string messageOf(const PlanningOptions& o) {
  try {
    DatasetPlanner::plan(smallCohort(), o);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

TEST(DatasetPlanner, PatchesStayWithinTheBudgetsAndAreMultiplesOfTwoToThePoolings) {
  PlanningOptions o;
  o.modality = "MR";
  o.maxPatchPixels2d = 96 * 96;
  o.maxPatchVoxels3d = 64 * 64 * 32;
  const auto plan = DatasetPlanner::plan(smallCohort(), o);
  const auto p2 = plan["patch_size"].get<std::vector<int>>();
  EXPECT_EQ(p2[0], p2[1]) << "square, so training may rotate by 90 degrees";
  EXPECT_LE(static_cast<std::size_t>(p2[0]) * p2[1], o.maxPatchPixels2d);
  EXPECT_EQ(p2[0] % 8, 0);
  const auto p3 = plan["patch_size_3d"].get<std::vector<int>>();
  EXPECT_LE(static_cast<std::size_t>(p3[0]) * p3[1] * p3[2], o.maxPatchVoxels3d);
  for (int p : p3) EXPECT_EQ(p % 8, 0);
}

// A budget of exactly one smallest patch is met with that patch.
TEST(DatasetPlanner, ABudgetOfOneSmallestPatchGivesThatPatch) {
  PlanningOptions o;
  o.poolings = 4;
  o.maxPatchPixels2d = 16 * 16;
  o.maxPatchVoxels3d = 16 * 16 * 16;
  const auto plan = DatasetPlanner::plan(smallCohort(), o);
  EXPECT_EQ(plan["patch_size"].get<std::vector<int>>(), (std::vector<int>{16, 16, 1}));
  EXPECT_EQ(plan["patch_size_3d"].get<std::vector<int>>(), (std::vector<int>{16, 16, 16}));
}

// These once looped for ever: patch extents never go below 2^poolings, so the budget was never
// met.
TEST(DatasetPlanner, ABudgetBelowTheSmallestPatchIsRefused) {
  PlanningOptions o;
  o.maxPatchPixels2d = 0;
  EXPECT_EQ(test::codeOf([&] { DatasetPlanner::plan(smallCohort(), o); }),
            ErrorCode::InvalidArgument);
  EXPECT_NE(messageOf(o).find("(--max-patch-pixels) of 0 pixels"), std::string::npos) << messageOf(o);

  o.poolings = 6;
  o.maxPatchPixels2d = 1000;
  EXPECT_NE(messageOf(o).find("64 x 64 = 4096"), std::string::npos) << messageOf(o);

  o.poolings = 3;
  o.maxPatchPixels2d = 128 * 128;
  o.maxPatchVoxels3d = 100;
  EXPECT_NE(messageOf(o).find("(--max-patch-voxels) of 100 voxels"), std::string::npos) << messageOf(o);
}

TEST(DatasetPlanner, PoolingsOutsideZeroToSixAreRefused) {
  PlanningOptions o;
  o.poolings = 31;
  EXPECT_EQ(test::codeOf([&] { DatasetPlanner::plan(smallCohort(), o); }),
            ErrorCode::InvalidArgument);
  o.poolings = -1;
  EXPECT_EQ(test::codeOf([&] { DatasetPlanner::plan(smallCohort(), o); }),
            ErrorCode::InvalidArgument);
}

// The limits are checked before the cases are measured, so a typo costs no waiting (and the
// folder here holds no cases at all).
TEST(PlanCommandE2E, AnImpossibleBudgetIsRefusedBeforeMeasuring) {
  const auto tmp = test::temporaryDirectory("plan-budget");
  std::string out, err;
  EXPECT_EQ(test::medsight("plan " + tmp.string() + " --max-patch-pixels 0", &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_NE(err.find("--max-patch-pixels"), std::string::npos) << err;
  EXPECT_EQ(
      test::medsight("plan " + tmp.string() + " --poolings 6 --max-patch-pixels 1000", &out, &err),
      errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_NE(err.find("64 x 64 = 4096"), std::string::npos) << err;
  EXPECT_EQ(test::medsight("plan " + tmp.string() + " --in-plane-spacing -1", &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
}

}  // namespace
}  // namespace medsight

#include "eval/WilcoxonSignedRankTest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace medsight {
namespace {

// Reference p-values from SciPy 1.10 (scipy.stats.wilcoxon) and, for ties and zeros, from
// enumerating all 2^n sign assignments in Python.

TEST(WilcoxonSignedRankTest, ExactPValueWithoutTiesMatchesScipy) {
  const std::vector<double> d = {0.12, -0.03, 0.05, 0.31, 0.08, -0.11, 0.02, 0.27, 0.15, -0.01};
  const auto r = WilcoxonSignedRankTest::test(d);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.nonZero, 10u);
  EXPECT_DOUBLE_EQ(r.negativeRankSum, 10.0);  // ranks 1 (-0.01), 3 (-0.03), 6 (-0.11)
  EXPECT_DOUBLE_EQ(r.positiveRankSum, 45.0);
  EXPECT_NEAR(r.pValue, 0.083984375, 1e-12);
}

TEST(WilcoxonSignedRankTest, TiesGetAverageRanksAndZerosAreDropped) {
  const std::vector<double> d = {1, 1, -1, 2, 2, -2, 3, 0, 4, -4, 5, 5};
  const auto r = WilcoxonSignedRankTest::test(d);
  EXPECT_EQ(r.zeros, 1u);
  EXPECT_EQ(r.nonZero, 11u);
  EXPECT_DOUBLE_EQ(r.positiveRankSum, 50.5);
  EXPECT_DOUBLE_EQ(r.negativeRankSum, 15.5);
  EXPECT_NEAR(r.pValue, 0.1328125, 1e-12);
}

TEST(WilcoxonSignedRankTest, IsSymmetricInTheSignOfTheDifferences) {
  std::vector<double> d = {0.4, -0.1, 0.25, 0.3, 0.05, 0.2, -0.15};
  const double p = WilcoxonSignedRankTest::test(d).pValue;
  for (double& x : d) x = -x;
  EXPECT_DOUBLE_EQ(WilcoxonSignedRankTest::test(d).pValue, p);
}

TEST(WilcoxonSignedRankTest, AllOneSignGivesTheSmallestExactPValue) {
  // 8 positive differences: p = 2 / 2^8.
  const auto r = WilcoxonSignedRankTest::test({1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_NEAR(r.pValue, 2.0 / 256.0, 1e-15);
}

TEST(WilcoxonSignedRankTest, LargeSamplesUseTheTieCorrectedNormalApproximation) {
  std::vector<double> d;
  for (int i = 0; i < 400; ++i) d.push_back(((i * 37) % 101 - 45) / 10.0);
  const auto r = WilcoxonSignedRankTest::test(d);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.nonZero, 396u);
  EXPECT_DOUBLE_EQ(std::min(r.positiveRankSum, r.negativeRankSum), 31989.0);
  EXPECT_NEAR(r.pValue, 0.0013319223943376928, 1e-9);
}

TEST(WilcoxonSignedRankTest, ThePValueIsCappedAtOne) {
  // W+ = W- = 1.5: each tail holds 3/4 of the distribution.
  EXPECT_DOUBLE_EQ(WilcoxonSignedRankTest::test({1.0, -1.0}).pValue, 1.0);
  EXPECT_DOUBLE_EQ(WilcoxonSignedRankTest::test({2.0}).pValue, 1.0);
}

TEST(WilcoxonSignedRankTest, SwitchesToTheApproximationAbove300Pairs) {
  std::vector<double> d;
  for (int i = 0; i < 301; ++i) d.push_back(i % 3 == 0 ? -(i + 1.0) : i + 1.0);
  EXPECT_FALSE(WilcoxonSignedRankTest::test(d).exact);
  d.pop_back();
  const auto r = WilcoxonSignedRankTest::test(d);
  EXPECT_TRUE(r.exact);
  EXPECT_LT(r.pValue, 1e-6);  // two thirds positive, the larger ranks evenly split
}

TEST(WilcoxonSignedRankTest, NoNonZeroDifferenceGivesOne) {
  const auto r = WilcoxonSignedRankTest::test({0.0, 0.0});
  EXPECT_EQ(r.nonZero, 0u);
  EXPECT_EQ(r.zeros, 2u);
  EXPECT_DOUBLE_EQ(r.pValue, 1.0);
  EXPECT_DOUBLE_EQ(WilcoxonSignedRankTest::test({}).pValue, 1.0);
}

}  // namespace
}  // namespace medsight

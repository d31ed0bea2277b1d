#include "eval/MeanSummary.h"

#include <gtest/gtest.h>

namespace medsight {
namespace {

TEST(MeanSummary, MeanMedianSdRangeAndABootstrapIntervalAroundTheMean) {
  const std::vector<double> v{0.2, 0.4, 0.6, 0.8, 1.0, 0.5};
  const auto s = MeanSummary::of(v, 7);
  EXPECT_NEAR(s["mean"].get<double>(), 3.5 / 6, 1e-12);
  EXPECT_NEAR(s["median"].get<double>(), 0.55, 1e-12);
  EXPECT_NEAR(s["std"].get<double>(), 0.28577, 1e-4);  // sample SD (n - 1)
  EXPECT_DOUBLE_EQ(s["min"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(s["max"].get<double>(), 1.0);
  EXPECT_LT(s["ci95_lower"].get<double>(), s["mean"].get<double>());
  EXPECT_GT(s["ci95_upper"].get<double>(), s["mean"].get<double>());
  // Roughly mean +- 1.96 SD / sqrt(n) for a bootstrap of 6 values.
  EXPECT_NEAR(s["ci95_upper"].get<double>() - s["ci95_lower"].get<double>(),
              2 * 1.96 * 0.28577 / std::sqrt(6.0), 0.1);
  EXPECT_EQ(s, MeanSummary::of(v, 7));  // seeded
  EXPECT_TRUE(MeanSummary::of({}, 7).is_null());
  const auto one = MeanSummary::of({0.3}, 7);
  EXPECT_DOUBLE_EQ(one["ci95_lower"].get<double>(), 0.3);
  EXPECT_DOUBLE_EQ(one["std"].get<double>(), 0.0);
}

}  // namespace
}  // namespace medsight

#include "eval/BinaryEvaluation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace medsight {
namespace {

void syntheticScores(std::size_t n, double separation, std::uint32_t seed, std::vector<double>& s,
                     std::vector<int>& l) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const int y = i % 3 == 0 ? 0 : 1;
    l.push_back(y);
    s.push_back(1.0 / (1.0 + std::exp(-(noise(rng) + separation * y))));
  }
}

}  // namespace

TEST(BinaryEvaluation, IntervalsContainTheEstimateAndAreReproducibleWithASeed) {
  std::vector<double> s;
  std::vector<int> l;
  syntheticScores(300, 1.5, 7, s, l);
  BootstrapOptions options;
  options.replicates = 500;
  const auto a = BinaryEvaluation::compute(s, l, 0.5, options);
  const auto b = BinaryEvaluation::compute(s, l, 0.5, options);
  for (const auto& [name, m] : a.metrics) {
    EXPECT_LE(m.lower, m.value) << name;
    EXPECT_GE(m.upper, m.value) << name;
    EXPECT_EQ(m.lower, b.metrics.at(name).lower) << name;
    EXPECT_EQ(m.upper, b.metrics.at(name).upper) << name;
  }
  options.seed = 99;
  const auto c = BinaryEvaluation::compute(s, l, 0.5, options);
  EXPECT_NE(a.metrics.at("auc").lower, c.metrics.at("auc").lower);
  EXPECT_EQ(a.samples, 300u);
  EXPECT_EQ(a.positives, 200u);
}

TEST(BinaryEvaluation, IntervalsShrinkWithMoreData) {
  std::vector<double> s1, s2;
  std::vector<int> l1, l2;
  syntheticScores(100, 1.0, 3, s1, l1);
  syntheticScores(2000, 1.0, 3, s2, l2);
  BootstrapOptions options;
  options.replicates = 400;
  const auto small = BinaryEvaluation::compute(s1, l1, 0.5, options).metrics.at("auc");
  const auto large = BinaryEvaluation::compute(s2, l2, 0.5, options).metrics.at("auc");
  EXPECT_LT(large.upper - large.lower, small.upper - small.lower);
}

TEST(BinaryEvaluation, JsonCarriesMetricsAndBootstrapSettings) {
  std::vector<double> s;
  std::vector<int> l;
  syntheticScores(60, 2.0, 1, s, l);
  BootstrapOptions options;
  options.replicates = 100;
  const auto j = BinaryEvaluation::compute(s, l, 0.5, options).toJson();
  EXPECT_TRUE(j["metrics"].contains("sensitivity"));
  EXPECT_EQ(j["bootstrap"]["replicates"], 100);
  EXPECT_EQ(j["confusion"]["tp"].get<int>() + j["confusion"]["fn"].get<int>(), 40);
}

TEST(PairedAucComparison, IdenticalScorersDoNotDiffer) {
  std::vector<double> s;
  std::vector<int> l;
  syntheticScores(200, 1.0, 5, s, l);
  BootstrapOptions options;
  options.replicates = 200;
  const auto c = PairedAucComparison::compute(s, s, l, options);
  EXPECT_DOUBLE_EQ(c.difference.value, 0.0);
  EXPECT_DOUBLE_EQ(c.delongP, 1.0);
}

TEST(PairedAucComparison, ClearlyBetterScorerIsSignificant) {
  std::vector<double> weak, strong;
  std::vector<int> l;
  std::vector<int> l2;
  syntheticScores(400, 0.3, 11, weak, l);
  // Strong scorer: same labels, much better separation.
  std::mt19937 rng(12);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int y : l) strong.push_back(noise(rng) + 3.0 * y);
  BootstrapOptions options;
  options.replicates = 300;
  const auto c = PairedAucComparison::compute(weak, strong, l, options);
  EXPECT_GT(c.difference.value, 0.2);
  EXPECT_LT(c.delongP, 1e-6);
  EXPECT_GT(c.difference.lower, 0.0);
}

}  // namespace medsight

// Each learner learns a synthetic rule, survives a save/load round trip and is calibrated.
#include <gtest/gtest.h>

#include <cmath>

#include "SyntheticData.h"
#include "classical/BoostedTreesClassifier.h"
#include "classical/ClassificationPipeline.h"
#include "classical/DecisionTreeClassifier.h"
#include "classical/PlattCalibrator.h"
#include "classical/StratifiedFolds.h"
#include "core/Error.h"
#include "eval/BinaryMetrics.h"
#include "support/TestData.h"

namespace medsight {
namespace {

class LearnerTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LearnerTest, LearnsHeldOutAndRoundTripsThroughItsFile) {
  std::vector<int> yTrain, yTest;
  const FeatureTable train = test::syntheticTable(300, 8, 1, true, &yTrain);
  const FeatureTable test = test::syntheticTable(300, 8, 2, true, &yTest);
  PipelineSpec spec;
  spec.learner.learner = GetParam();
  const auto pipeline = ClassificationPipeline::fit(train, yTrain, spec, "train");
  const auto scores = pipeline.score(test, "test");
  EXPECT_GT(BinaryMetrics::auc(scores, yTest), GetParam() == "decision_tree" ? 0.75 : 0.85);
  const auto dir = test::temporaryDirectory("learner");
  const auto entry = pipeline.save(dir, "m");
  const auto loaded = ClassificationPipeline::load(dir, entry);
  const auto again = loaded.score(test, "test");
  ASSERT_EQ(again.size(), scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) {
    EXPECT_NEAR(again[i], scores[i], 1e-5 * (1 + std::abs(scores[i])));
  }
}

INSTANTIATE_TEST_SUITE_P(Learners, LearnerTest,
                         ::testing::Values("svm_rbf", "svm_linear", "logistic_l2", "logistic_l1",
                                           "xgboost", "random_forest", "decision_tree"));

TEST(BoostedTreesClassifier, TreeShapContributionsAddUpToTheMargin) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(500, 5, 3, true, &y);
  PipelineSpec spec;
  spec.learner = {"xgboost", {{"rounds", 50}, {"max_depth", 3}}};
  const auto pipeline = ClassificationPipeline::fit(t, y, spec, "t");
  const DenseMatrix shap = pipeline.contributions(t, "t");
  const auto margin = pipeline.score(t, "t");
  ASSERT_EQ(shap.cols, 6u);  // 5 features + bias
  double influence[5] = {0, 0, 0, 0, 0};
  for (std::size_t r = 0; r < shap.rows; ++r) {
    double sum = 0;
    for (std::size_t c = 0; c < shap.cols; ++c) sum += shap.at(r, c);
    EXPECT_NEAR(sum, margin[r], 1e-3);
    for (int c = 0; c < 5; ++c) influence[c] += std::abs(shap.at(r, std::size_t(c)));
  }
  // The label depends on x0 and x1 only; the noise features x2..x4 get what overfitting gives.
  const double noise = (influence[2] + influence[3] + influence[4]) / 3;
  EXPECT_GT(influence[0], 2 * noise);
  EXPECT_GT(influence[1], 2 * noise);
}

TEST(DecisionTreeClassifier, PrintsReadableRulesInOriginalUnits) {
  std::vector<int> y;
  FeatureTable t = test::syntheticTable(300, 3, 4, true, &y);
  for (std::size_t r = 0; r < t.rows(); ++r) t.at(r, 0) = 100 + 10 * t.at(r, 0);  // mm, say
  PipelineSpec spec;
  spec.learner = {"decision_tree", {{"max_depth", 2}, {"min_samples", 10}}};
  const auto pipeline = ClassificationPipeline::fit(t, y, spec, "t");
  const auto rules = pipeline.rules("malignant");
  ASSERT_GE(rules.size(), 2u);
  EXPECT_LE(rules.size(), 4u);
  EXPECT_EQ(rules.front().rfind("IF ", 0), 0u) << rules.front();
  EXPECT_NE(rules.front().find("THEN P(malignant) = "), std::string::npos) << rules.front();
  // The root splits on x0 in its original units (centred on 100), not on a z-score.
  const auto at = rules.front().find("x0 <= ");
  ASSERT_NE(at, std::string::npos) << rules.front();
  const double threshold = std::stod(rules.front().substr(at + 6));
  EXPECT_GT(threshold, 80);
  EXPECT_LT(threshold, 120);
}

TEST(PlattCalibrator, RecoversAKnownSigmoid) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal(0, 2);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> s;
  std::vector<int> y;
  for (int i = 0; i < 5000; ++i) {
    s.push_back(normal(rng));
    y.push_back(uniform(rng) < 1.0 / (1.0 + std::exp(-(1.5 * s.back() - 0.5))) ? 1 : 0);
  }
  const auto c = PlattCalibrator::fit(s, y);
  EXPECT_NEAR(c.a, -1.5, 0.15);
  EXPECT_NEAR(c.b, 0.5, 0.15);
}

TEST(StratifiedFolds, EveryFoldHoldsItsShareOfEachClass) {
  std::vector<int> y(103, 0);
  for (int i = 0; i < 30; ++i) y[std::size_t(i * 3)] = 1;
  const auto folds = StratifiedFolds::assign(y, 5, 9);
  for (int f = 0; f < 5; ++f) {
    int pos = 0, all = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (folds[i] != f) continue;
      ++all;
      pos += y[i];
    }
    EXPECT_GE(pos, 6);
    EXPECT_LE(pos, 6);
    EXPECT_GE(all, 20);
    EXPECT_LE(all, 21);
  }
  EXPECT_THROW(StratifiedFolds::assign(std::vector<int>{1, 0, 0, 0, 0, 0}, 3, 1), Error);
}

TEST(FeatureTransform, SelectsInformativeFeaturesAndPrunesDuplicates) {
  std::vector<int> y;
  FeatureTable t = test::syntheticTable(400, 6, 6, true, &y);
  std::vector<double> values;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < 6; ++c) values.push_back(t.at(r, c));
    values.push_back(2 * t.at(r, 0) + 1);
  }
  t.columns.push_back("x0copy");
  t.values = values;
  FeatureTransformSettings s;
  s.selectCount = 2;
  s.correlationLimit = 0.9;
  const auto transform = FeatureTransform::fit(t, y, s, "t");
  const auto names = transform.outputNames();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_TRUE((names[0] == "x0" || names[0] == "x0copy"));
  EXPECT_EQ(names[1], "x1");  // the copy of x0 was pruned, not kept as the second feature
  const DenseMatrix z = transform.apply(t, "t");
  double mean = 0;
  for (std::size_t r = 0; r < z.rows; ++r) mean += z.at(r, 1);
  EXPECT_NEAR(mean / double(z.rows), 0.0, 1e-9);
}

// Two cells of +-1e300 once gave a scale of infinity, written as null: a package that trained
// with exit 0 and could not be read back.
TEST(FeatureTransform, AColumnWhoseVarianceOverflowsIsRefusedByName) {
  std::vector<int> y;
  FeatureTable t = test::syntheticTable(60, 3, 3, true, &y);
  t.values[5 * 3 + 1] = 1e300;
  t.values[6 * 3 + 1] = -1e300;
  try {
    FeatureTransform::fit(t, y, FeatureTransformSettings{}, "t.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("column '" + t.columns[1] + "'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace medsight

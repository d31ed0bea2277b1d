// Nested CV honesty, fusion, and the model package (hashes, tampering, bad input).
#include <gtest/gtest.h>

#include <fstream>

#include "SyntheticData.h"
#include "classical/ClassicalModelPackage.h"
#include "classical/HyperparameterSearch.h"
#include "classical/NestedCrossValidation.h"
#include "core/Error.h"
#include "eval/BinaryMetrics.h"
#include "support/TestData.h"

namespace medsight {
namespace {

TrainingOptions quickOptions(std::vector<std::string> learners) {
  TrainingOptions o;
  o.learners = std::move(learners);
  o.innerFolds = 3;
  o.threads = 2;
  return o;
}

TEST(NestedCrossValidation, RandomLabelsGiveChanceLevelNotTrainingFit) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(120, 40, 11, false, &y);
  NestedCvOptions cv{4, 1, 0};
  const auto r = NestedCvResult::run(t, {}, y, quickOptions({"svm_rbf", "logistic_l2"}), cv, "t");
  const double auc = BinaryMetrics::auc(r.probability, y);
  // The search picks the luckiest candidate in each inner loop; only the outer estimate is
  // honest, and with no signal it must sit near 0.5.
  EXPECT_LT(auc, 0.68);
  EXPECT_EQ(r.foldAuc.size(), 4u);
}

TEST(NestedCrossValidation, InformativeFeaturesAreFoundAndRankedFirst) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(200, 12, 12, true, &y);
  NestedCvOptions cv{4, 1, 3};
  const auto r = NestedCvResult::run(t, {}, y, quickOptions({"logistic_l2"}), cv, "t");
  EXPECT_GT(BinaryMetrics::auc(r.probability, y), 0.8);
  ASSERT_GE(r.importance.size(), 2u);
  EXPECT_TRUE(r.importance[0].feature == "x0" || r.importance[0].feature == "x1");
}

TEST(ClassicalModel, LateFusionStacksOnePipelinePerBlock) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(200, 6, 13, true, &y);
  const std::vector<ColumnBlock> blocks{{"a", 0, 3}, {"b", 3, 6}};
  TrainingOptions o = quickOptions({"logistic_l2"});
  o.lateFusion = true;
  TrainingSummary summary;
  const ClassicalModel m = ClassicalModel::train(t, blocks, y, o, "t", &summary);
  EXPECT_EQ(m.fusion(), "late");
  EXPECT_EQ(m.members().size(), 2u);
  EXPECT_EQ(summary.chosen.size(), 2u);
  std::vector<int> yTest;
  const FeatureTable test = test::syntheticTable(200, 6, 14, true, &yTest);
  EXPECT_GT(BinaryMetrics::auc(m.probability(test, "test"), yTest), 0.8);
  o.lateFusion = true;
  EXPECT_THROW(ClassicalModel::train(t, {{"all", 0, 6}}, y, o, "t"), Error);
}

TEST(ClassicalModel, FeatureCountsAboveTheTableWidthMeanAllFeatures) {
  EXPECT_EQ(HyperparameterSearch::effectiveSelectCounts({50, 3, 0, 5}, 5),
            (std::vector<std::size_t>{0, 3}));
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(120, 5, 16, true, &y);
  TrainingOptions o = quickOptions({"logistic_l2"});
  o.selectCounts = {50};
  TrainingSummary summary;
  ClassicalModel::train(t, {}, y, o, "t", &summary);
  ASSERT_EQ(summary.chosen.size(), 1u);
  // Five features cannot be narrowed to 50: the record says what was used.
  EXPECT_NE(summary.chosen[0].find("all features"), std::string::npos) << summary.chosen[0];
  EXPECT_EQ(summary.chosen[0].find("50"), std::string::npos) << summary.chosen[0];
}

TEST(ClassicalModel, SingleClassTrainingSetIsRefused) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(30, 3, 15, true, &y);
  std::vector<int> ones(y.size(), 1);
  try {
    ClassicalModel::train(t, {}, ones, quickOptions({"logistic_l2"}), "t.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::LabelMismatch) << e.what();
  }
}

TEST(ClassicalModel, NonFiniteFeaturesNeedImputation) {
  std::vector<int> y;
  FeatureTable t = test::syntheticTable(60, 3, 16, true, &y);
  t.at(5, 1) = NAN;
  EXPECT_THROW(ClassicalModel::train(t, {}, y, quickOptions({"logistic_l2"}), "t.csv"), Error);
  TrainingOptions o = quickOptions({"logistic_l2"});
  o.imputeMedian = true;
  const ClassicalModel m = ClassicalModel::train(t, {}, y, o, "t.csv");
  const auto p = m.probability(t, "t.csv");
  EXPECT_TRUE(std::isfinite(p[5]));
}

TEST(ClassicalModelPackage, RoundTripsAndRefusesATamperedMember) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(150, 5, 17, true, &y);
  const ClassicalModel m = ClassicalModel::train(t, {}, y, quickOptions({"xgboost"}), "t");
  PackageInfo info;
  info.name = "synthetic";
  info.negative = "0";
  info.positive = "1";
  const auto dir = test::temporaryDirectory("package") / "model";
  ClassicalModelPackage::write(dir, m, info);
  const LoadedPackage loaded = ClassicalModelPackage::read(dir);
  const auto a = m.probability(t, "t"), b = loaded.model.probability(t, "t");
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
  EXPECT_EQ(loaded.info.positive, "1");
  EXPECT_EQ(loaded.manifest["format"], ClassicalModelPackage::kFormat);
  // Rewriting replaces the package as a whole.
  ClassicalModelPackage::write(dir, m, info);
  EXPECT_NO_THROW(ClassicalModelPackage::read(dir));
  // Flip one byte of the learner's file.
  std::filesystem::path member;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().string().ends_with(".xgb.json")) member = e.path();
  }
  ASSERT_FALSE(member.empty());
  test::flipByte(member, 10);
  try {
    ClassicalModelPackage::read(dir);
    FAIL() << "tampered package loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelTampered);
  }
  std::filesystem::remove(dir / "manifest.json");
  try {
    ClassicalModelPackage::read(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelInvalid);
  }
}

TEST(ClassicalModel, PredictionRefusesDifferentColumns) {
  std::vector<int> y;
  const FeatureTable t = test::syntheticTable(80, 4, 18, true, &y);
  const ClassicalModel m = ClassicalModel::train(t, {}, y, quickOptions({"logistic_l2"}), "t");
  FeatureTable other = t;
  other.columns[2] = "renamed";
  EXPECT_THROW(m.probability(other, "other.csv"), Error);
  const FeatureTable fewer = t.selectColumns({0, 1, 2});
  EXPECT_THROW(m.probability(fewer, "fewer.csv"), Error);
}

}  // namespace
}  // namespace medsight

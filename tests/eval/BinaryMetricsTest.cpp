#include "eval/BinaryMetrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/Error.h"

namespace medsight {

// The scikit-learn documentation example: roc_auc_score = 0.75, average_precision = 0.8333.
const std::vector<double> kScores{0.1, 0.4, 0.35, 0.8};
const std::vector<int> kLabels{0, 0, 1, 1};

TEST(BinaryMetrics, AucMatchesHandComputedExample) {
  EXPECT_DOUBLE_EQ(BinaryMetrics::auc(kScores, kLabels), 0.75);
}

TEST(BinaryMetrics, AucCountsTiesAsOneHalf) {
  // Positives 0.5, 0.9; negatives 0.5, 0.2: pairs 0.5 (tie) + 1 + 1 + 1 = 3.5 of 4.
  const std::vector<double> s{0.5, 0.5, 0.2, 0.9};
  const std::vector<int> l{1, 0, 0, 1};
  EXPECT_DOUBLE_EQ(BinaryMetrics::auc(s, l), 0.875);
  // All scores equal: 0.5 exactly.
  const std::vector<double> flat{0.3, 0.3, 0.3, 0.3};
  EXPECT_DOUBLE_EQ(BinaryMetrics::auc(flat, l), 0.5);
}

TEST(BinaryMetrics, AucIsNanWithOneClass) {
  const std::vector<double> s{0.1, 0.2};
  const std::vector<int> l{1, 1};
  EXPECT_TRUE(std::isnan(BinaryMetrics::auc(s, l)));
}

TEST(BinaryMetrics, ConfusionAndDerivedRatesAtThreshold) {
  const auto c = BinaryMetrics::confusion(kScores, kLabels, 0.5);
  EXPECT_EQ(c.tp, 1u);
  EXPECT_EQ(c.fn, 1u);
  EXPECT_EQ(c.tn, 2u);
  EXPECT_EQ(c.fp, 0u);
  EXPECT_DOUBLE_EQ(c.sensitivity(), 0.5);
  EXPECT_DOUBLE_EQ(c.specificity(), 1.0);
  EXPECT_DOUBLE_EQ(c.ppv(), 1.0);
  EXPECT_DOUBLE_EQ(c.npv(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.accuracy(), 0.75);
  EXPECT_DOUBLE_EQ(c.f1(), 2.0 / 3.0);
  // Score equal to the threshold counts as positive.
  EXPECT_EQ(BinaryMetrics::confusion(kScores, kLabels, 0.35).tp, 2u);
}

TEST(BinaryMetrics, AveragePrecisionMatchesScikitLearn) {
  EXPECT_NEAR(BinaryMetrics::averagePrecision(kScores, kLabels), 0.833333333, 1e-8);
}

TEST(BinaryMetrics, RocCurveRunsFromOriginToOne) {
  const auto roc = BinaryMetrics::rocCurve(kScores, kLabels);
  EXPECT_EQ(roc.front().x, 0.0);
  EXPECT_EQ(roc.front().y, 0.0);
  EXPECT_EQ(roc.back().x, 1.0);
  EXPECT_EQ(roc.back().y, 1.0);
  EXPECT_EQ(roc.size(), 5u);
}

TEST(BinaryMetrics, ThresholdForSensitivityIsTheHighestThatReachesIt) {
  // Sensitivity 1.0 needs the threshold down to 0.35 (the lower positive).
  EXPECT_DOUBLE_EQ(BinaryMetrics::thresholdForSensitivity(kScores, kLabels, 1.0), 0.35);
  EXPECT_DOUBLE_EQ(BinaryMetrics::thresholdForSensitivity(kScores, kLabels, 0.5), 0.8);
}

TEST(BinaryMetrics, CalibrationErrorAndBrier) {
  const std::vector<double> p{0.0, 0.0, 1.0, 1.0};
  EXPECT_DOUBLE_EQ(BinaryMetrics::expectedCalibrationError(p, kLabels), 0.0);
  EXPECT_DOUBLE_EQ(BinaryMetrics::brierScore(p, kLabels), 0.0);
  const std::vector<double> half{0.5, 0.5, 0.5, 0.5};
  EXPECT_DOUBLE_EQ(BinaryMetrics::expectedCalibrationError(half, kLabels), 0.0);
  EXPECT_DOUBLE_EQ(BinaryMetrics::brierScore(half, kLabels), 0.25);
  const std::vector<double> wrong{0.9, 0.9, 0.1, 0.1};
  EXPECT_NEAR(BinaryMetrics::expectedCalibrationError(wrong, kLabels), 0.9, 1e-12);
}

TEST(BinaryMetrics, RejectsBadLabelsAndMismatchedLengths) {
  const std::vector<int> bad{0, 2, 1, 1};
  try {
    BinaryMetrics::auc(kScores, bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::LabelMismatch);
  }
  const std::vector<int> shortLabels{0, 1};
  EXPECT_THROW(BinaryMetrics::auc(kScores, shortLabels), Error);
  EXPECT_THROW(BinaryMetrics::auc({}, {}), Error);
}

}  // namespace medsight

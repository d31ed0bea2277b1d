// The report's figures against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "core/Error.h"
#include "eval/ReliabilityCurve.h"
#include "eval/TemperatureScaler.h"
#include "models/ModelManifest.h"
#include "report/HtmlText.h"
#include "report/RecalibrationCheck.h"
#include "report/SubgroupAnalysis.h"
#include "report/ThresholdTable.h"
#include "report/ValidationDataset.h"

namespace medsight {

// The scikit-learn example (AUC 0.75): scores of negatives 0.1, 0.4; positives 0.35, 0.8.
const std::vector<double> kScores{0.1, 0.4, 0.35, 0.8};
const std::vector<int> kLabels{0, 0, 1, 1};

TEST(ThresholdTable, RowsMatchHandComputedCounts) {
  const auto rows = ThresholdTable::compute(kScores, kLabels, 0.5, "balanced");
  auto find = [&](const std::string& prefix) {
    for (const auto& r : rows)
      if (r.rule.rfind(prefix, 0) == 0) return r;
    ADD_FAILURE() << "no row " << prefix;
    return ThresholdRow{};
  };
  // Operating point 0.5: only 0.8 is called positive -> TP 1, FN 1, TN 2, FP 0.
  const auto op = find("Model operating point");
  EXPECT_EQ(op.rule, "Model operating point (balanced)");
  EXPECT_FALSE(op.chosenOnThisData);
  EXPECT_EQ(op.counts.tp, 1u);
  EXPECT_EQ(op.counts.fn, 1u);
  EXPECT_EQ(op.counts.tn, 2u);
  EXPECT_EQ(op.counts.fp, 0u);
  // 95% sensitivity needs both positives: the highest such threshold is 0.35, which also
  // calls the 0.4 negative positive -> sensitivity 1, specificity 0.5, PPV 2/3, NPV 1.
  const auto screening = find("Sensitivity >= 95%");
  EXPECT_DOUBLE_EQ(screening.threshold, 0.35);
  EXPECT_TRUE(screening.chosenOnThisData);
  EXPECT_DOUBLE_EQ(screening.counts.sensitivity(), 1.0);
  EXPECT_DOUBLE_EQ(screening.counts.specificity(), 0.5);
  EXPECT_DOUBLE_EQ(screening.counts.ppv(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(screening.counts.npv(), 1.0);
  // Youden's J: 0.5 at thresholds 0.8 (sens 0.5, spec 1) and 0.35 (sens 1, spec 0.5); the
  // first (highest) is kept.
  EXPECT_DOUBLE_EQ(ThresholdTable::youdenThreshold(kScores, kLabels), 0.8);
  const auto fixed = find("Fixed 0.3");
  EXPECT_EQ(fixed.counts.tp + fixed.counts.fp, 3u);
  const auto json = ThresholdTable::toJson(rows);
  EXPECT_EQ(json.size(), rows.size());
  EXPECT_DOUBLE_EQ(json[1]["ppv"].get<double>(), 2.0 / 3.0);
}

TEST(ReliabilityCurve, BinsMatchHandComputedValues) {
  const std::vector<double> p{0.05, 0.15, 0.12, 0.95, 0.9};
  const std::vector<int> y{0, 0, 1, 1, 1};
  const auto c = ReliabilityCurve::compute(p, y, 10);
  ASSERT_EQ(c.bins.size(), 10u);
  EXPECT_EQ(c.bins[0].count, 1u);
  EXPECT_DOUBLE_EQ(c.bins[0].observedRate, 0.0);
  EXPECT_EQ(c.bins[1].count, 2u);
  EXPECT_NEAR(c.bins[1].meanPredicted, 0.135, 1e-12);
  EXPECT_DOUBLE_EQ(c.bins[1].observedRate, 0.5);
  EXPECT_EQ(c.bins[5].count, 0u);
  EXPECT_TRUE(std::isnan(c.bins[5].meanPredicted));
  EXPECT_NEAR(c.bins[9].meanPredicted, 0.925, 1e-12);
  // ECE = 1/5 * 0.05 + 2/5 * 0.365 + 2/5 * 0.075 = 0.186; MCE = 0.365.
  EXPECT_NEAR(c.expectedCalibrationError, 0.186, 1e-12);
  EXPECT_NEAR(c.maximumCalibrationError, 0.365, 1e-12);
  // Wilson 95% interval for 1 of 2: 0.5 -+ 1.96 sqrt(0.125 + 0.2401) / 2.9208 = [0.0945, 0.9055].
  EXPECT_NEAR(c.bins[1].observedLower, 0.09453, 1e-4);
  EXPECT_NEAR(c.bins[1].observedUpper, 0.90547, 1e-4);
  EXPECT_TRUE(c.toJson()["bins"][5]["observed_rate"].is_null());
  EXPECT_THROW(ReliabilityCurve::compute(p, std::vector<int>{0, 1}, 10), Error);
}

TEST(SubgroupAnalysis, UsesCategoricalColumnsOnlyAndSplitsCorrectly) {
  LabeledImageSet set;
  set.labels = {0, 1, 0, 1, 0, 1, 1, 0};
  set.ids = {"a", "b", "c", "d", "e", "f", "g", "h"};
  set.images.resize(8);
  set.columns["sex"] = {"F", "F", "F", "F", "M", "M", "M", "M"};
  set.columns["patient"] = {"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};  // an identifier
  set.columns["site"] = {"A", "A", "A", "A", "A", "A", "A", "A"};             // one value
  const std::vector<double> p{0.2, 0.9, 0.6, 0.7, 0.1, 0.3, 0.8, 0.4};
  EXPECT_EQ(SubgroupAnalysis::subgroupColumns(set), std::vector<std::string>{"sex"});
  BootstrapOptions o;
  o.replicates = 50;
  const auto rows = SubgroupAnalysis::compute(set, p, 0.5, o);
  ASSERT_EQ(rows.size(), 2u);
  // F: negatives 0.2, 0.6; positives 0.9, 0.7 -> AUC 1; at 0.5: TP 2, FP 1, TN 1.
  EXPECT_EQ(rows[0].value, "F");
  EXPECT_DOUBLE_EQ(rows[0].evaluation.metrics.at("auc").value, 1.0);
  EXPECT_EQ(rows[0].evaluation.counts.fp, 1u);
  // M: negatives 0.1, 0.4; positives 0.3, 0.8 -> pairs (0.3>0.1, 0.3<0.4, 0.8>both) = 3/4.
  EXPECT_EQ(rows[1].value, "M");
  EXPECT_DOUBLE_EQ(rows[1].evaluation.metrics.at("auc").value, 0.75);
  EXPECT_DOUBLE_EQ(rows[1].evaluation.metrics.at("sensitivity").value, 0.5);
  EXPECT_EQ(SubgroupAnalysis::toJson(rows)[1]["column"], "sex");
}

TEST(RecalibrationCheck, CrossFittedTemperatureFixesAMiscalibratedModel) {
  // Logits whose true temperature is 2: P(y=1) = sigmoid(z / 2).
  std::mt19937_64 rng(3);
  std::normal_distribution<double> z(0.0, 3.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> logits;
  std::vector<int> labels;
  for (int i = 0; i < 4000; ++i) {
    const double zi = z(rng);
    logits.push_back(zi);
    labels.push_back(u(rng) < TemperatureScaler::probability(zi, 2.0) ? 1 : 0);
  }
  const auto r = RecalibrationCheck::run(logits, labels, 1.0, 5, 1);
  EXPECT_NEAR(r.fittedTemperature, 2.0, 0.2);
  ASSERT_EQ(r.foldTemperatures.size(), 5u);
  for (double t : r.foldTemperatures) EXPECT_NEAR(t, 2.0, 0.3);
  EXPECT_LT(r.eceAfter, r.eceBefore / 2);
  EXPECT_LT(r.brierAfter, r.brierBefore);
  EXPECT_THROW(RecalibrationCheck::run(logits, labels, 1.0, 1), Error);
}

TEST(HtmlText, EscapesEncodesAndFormats) {
  EXPECT_EQ(HtmlText::escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlText::scriptJson(nlohmann::json{{"id", "</script><b>"}}),
            "{\"id\":\"<\\/script><b>\"}");
  const std::string man = "Man";
  EXPECT_EQ(HtmlText::dataUri(std::as_bytes(std::span(man.data(), man.size())), "text/plain"),
            "data:text/plain;base64,TWFu");
  EXPECT_EQ(HtmlText::number(0.12345, 3), "0.123");
  EXPECT_EQ(HtmlText::number(std::nan(""), 3), "\u2013");
  EXPECT_NE(HtmlText::withInterval(0.9, 0.8, 0.95).find("0.800\u20130.950"), std::string::npos);
}

TEST(ValidationDataset, RoleFollowsTheModelsTrainingRecord) {
  ModelManifest m;
  m.training["config"]["data"] = {{"format", "npz"},
                                  {"path", "pneumoniamnist/pneumoniamnist.npz"},
                                  {"train_split", "train"},
                                  {"val_split", "val"}};
  EXPECT_EQ(ValidationDataset::roleFor("/d/pneumoniamnist.npz", "val", m),
            DataRole::ModelSelection);
  EXPECT_EQ(ValidationDataset::roleFor("/d/pneumoniamnist.npz", "train", m), DataRole::Training);
  EXPECT_EQ(ValidationDataset::roleFor("/d/pneumoniamnist.npz", "test", m), DataRole::Independent);
  EXPECT_EQ(ValidationDataset::roleFor("/d/other.npz", "val", m), DataRole::Independent);
  m.training = nlohmann::json::object();
  EXPECT_EQ(ValidationDataset::roleFor("/d/pneumoniamnist.npz", "val", m), DataRole::Unknown);
}

}  // namespace medsight

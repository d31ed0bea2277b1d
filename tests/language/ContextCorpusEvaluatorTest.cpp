#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/Error.h"
#include "language/ContextCorpusEvaluator.h"
#include "language/FindingExtractor.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::filesystem::path writeFile(const std::string& name, const std::string& content) {
  const auto path = test::temporaryDirectory("language") / name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST(ContextCorpusEvaluator, ScoresASmallCorpus) {
  const auto path =
      writeFile("mini.tsv",
                "line\tCondition\tsentence\tnegation\ttemporality\texperiencer\n"
                "1\teffusion\tNo EFFUSION.\tNegated\tRecent\tPatient\n"
                "2\tpneumonia\tHistory of PNEUMONIA.\tAffirmed\tHistorical\tPatient\n"
                "3\tnodule\tHis father had a NODULE.\tAffirmed\tHistorical\tFamily member\n"
                "4\tfever\tCall if FEVER develops.\tAffirmed\tNot particular\tPatient\n");
  const auto rows = ContextCorpusEvaluator::read(path);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[2].experiencer, Experiencer::Other);
  EXPECT_EQ(rows[3].temporality, Temporality::Hypothetical);
  const auto extractor = FindingExtractor::loadDefault();
  const auto report = ContextCorpusEvaluator::evaluate(extractor, rows, 2, 10);
  EXPECT_EQ(report.truePositive, 1u);
  EXPECT_EQ(report.falsePositive, 0u);
  EXPECT_DOUBLE_EQ(report.negationF1(), 1.0);
  EXPECT_EQ(report.experiencerCorrect, 4u);
  EXPECT_EQ(report.temporalityConfusion[0][0], 1u);
  // Father had it in the past: the corpus calls that historical; our answer is counted either way.
  EXPECT_GE(report.temporalityCorrect, 3u);
}

TEST(ContextCorpusEvaluator, MetricsCountErrorsNotJustSuccesses) {
  ContextEvaluationReport r;
  r.rows = 10;
  r.truePositive = 3;
  r.falsePositive = 1;
  r.falseNegative = 3;
  EXPECT_DOUBLE_EQ(r.negationPrecision(), 0.75);
  EXPECT_DOUBLE_EQ(r.negationRecall(), 0.5);
  EXPECT_DOUBLE_EQ(r.negationF1(), 0.6);
}

TEST(ContextCorpusEvaluator, NothingNegatedIsUndefinedNotPerfect) {
  // A corpus without a negated sentence, read by a model that says "negated" nowhere: precision
  // and recall have no denominator. Reporting 1.000 would credit a model that was never tested.
  ContextEvaluationReport r;
  r.rows = 4;
  EXPECT_TRUE(std::isnan(r.negationPrecision()));
  EXPECT_TRUE(std::isnan(r.negationRecall()));
  EXPECT_TRUE(std::isnan(r.negationF1()));
  const auto j = r.toJson();
  EXPECT_TRUE(j["negation"]["precision"].is_null());
  EXPECT_TRUE(j["negation"]["f1"].is_null());
  EXPECT_DOUBLE_EQ(j["temporality"]["accuracy"].get<double>(), 0.0);
  // One false negative: recall 0 and F1 0 are defined; precision still is not.
  r.falseNegative = 1;
  EXPECT_TRUE(std::isnan(r.negationPrecision()));
  EXPECT_DOUBLE_EQ(r.negationRecall(), 0.0);
  EXPECT_DOUBLE_EQ(r.negationF1(), 0.0);
  EXPECT_TRUE(std::isnan(ContextEvaluationReport{}.temporalityAccuracy()));
}

TEST(ContextCorpusEvaluator, MalformedCorpusNamesFileAndLine) {
  const auto path = writeFile("bad.tsv",
                              "line\tCondition\tsentence\tnegation\ttemporality\texperiencer\n"
                              "1\tfever\tNo FEVER.\tNegated\tRecent\tPatient\n"
                              "2\tcough\tCOUGH.\tMaybe\tRecent\tPatient\n");
  try {
    ContextCorpusEvaluator::read(path);
    FAIL() << "expected CorruptData";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("bad.tsv:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ContextCorpusEvaluator::read(writeFile("short.tsv", "1\tfever\n")), Error);
  EXPECT_THROW(
      ContextCorpusEvaluator::read(writeFile("utf.tsv", "1\tf\xff\tx\tNegated\tRecent\tPatient\n")),
      Error);
  EXPECT_THROW(ContextCorpusEvaluator::read("/nonexistent/corpus.tsv"), Error);
}

// Regression guard on the development corpus the rules were written against (not a held-out
// estimate: the held-back sentences measure that).
TEST(ContextCorpusEvaluatorData, DevelopmentCorpusMeetsTheGoals) {
  MEDSIGHT_DATASET(path, "clinical-text/context_dev.tsv");
  const auto rows = ContextCorpusEvaluator::read(path);
  ASSERT_EQ(rows.size(), 1600u);
  const auto extractor = FindingExtractor::loadDefault();
  const auto report = ContextCorpusEvaluator::evaluate(extractor, rows, 2);
  EXPECT_GE(report.conditionsFound, 1590u);
  EXPECT_GE(report.negationF1(), 0.95);
  EXPECT_GE(report.temporalityAccuracy(), 0.90);
  EXPECT_GE(report.experiencerAccuracy(), 0.99);
}

TEST(ContextCorpusEvaluatorData, PublishedNegExListLoadsAndWorks) {
  MEDSIGHT_DATASET(corpus, "clinical-text/context_dev.tsv");
  MEDSIGHT_DATASET(triggers, "clinical-text/negex_triggers.txt");
  auto extractor = FindingExtractor::loadDefault();
  const auto lexicon = TriggerLexicon::loadNegEx(triggers);
  EXPECT_EQ(lexicon.ruleCount(), 272u);
  extractor.setTriggers(lexicon);
  const auto report =
      ContextCorpusEvaluator::evaluate(extractor, ContextCorpusEvaluator::read(corpus), 1);
  EXPECT_GE(report.negationF1(), 0.90);
}

TEST(ContextCorpusEvaluatorData, ThreadCountDoesNotChangeResults) {
  MEDSIGHT_DATASET(path, "clinical-text/context_dev.tsv");
  auto rows = ContextCorpusEvaluator::read(path);
  rows.resize(300);
  const auto extractor = FindingExtractor::loadDefault();
  const auto one = ContextCorpusEvaluator::evaluate(extractor, rows, 1).toJson();
  const auto two = ContextCorpusEvaluator::evaluate(extractor, rows, 2).toJson();
  EXPECT_EQ(one, two);
}

}  // namespace medsight

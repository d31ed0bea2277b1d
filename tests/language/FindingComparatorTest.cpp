#include <gtest/gtest.h>

#include "core/Error.h"
#include "language/FindingComparator.h"

namespace medsight {
namespace {

const FindingExtractor& extractor() {
  static const FindingExtractor instance = FindingExtractor::loadDefault();
  return instance;
}

const ConceptComparison& item(const ComparisonReport& r, const std::string& id) {
  for (const auto& c : r.concepts) {
    if (c.conceptId == id) return c;
  }
  throw std::runtime_error("no item " + id);
}

}  // namespace

TEST(FindingComparator, FlagsAiPositiveThatTheDoctorNegates) {
  const FindingComparator comparator(extractor());
  const auto r = comparator.compare({{"pneumonia", 0.93, 0.5}, {"effusion", 0.10, 0.5}},
                                    "FINDINGS: No consolidation. No pleural effusion.");
  EXPECT_EQ(item(r, "pneumonia").verdict, AgreementVerdict::Disagree);
  EXPECT_TRUE(item(r, "pneumonia").needsReview);
  EXPECT_NE(item(r, "pneumonia").evidence.find("consolidation"), std::string::npos);
  EXPECT_EQ(item(r, "effusion").verdict, AgreementVerdict::AgreeAbsent);
  EXPECT_EQ(r.disagreements, 1u);
}

TEST(FindingComparator, AgreementsUncertaintyAndSilence) {
  const FindingComparator comparator(extractor());
  const auto r = comparator.compare({{"pneumonia", 0.8, 0.5},
                                     {"nodule", 0.7, 0.5},
                                     {"tuberculosis", 0.6, 0.5},
                                     {"fracture", 0.2, 0.5},
                                     {"pneumothorax", 0.3, 0.5}},
                                    "右肺下叶肺炎。可疑结核。左侧锁骨骨折。");
  EXPECT_EQ(item(r, "pneumonia").verdict, AgreementVerdict::AgreePresent);
  EXPECT_EQ(item(r, "nodule").verdict, AgreementVerdict::Unaddressed);
  EXPECT_EQ(item(r, "tuberculosis").verdict, AgreementVerdict::Uncertain);
  EXPECT_EQ(item(r, "fracture").verdict, AgreementVerdict::Disagree);  // AI missed it
  EXPECT_EQ(item(r, "pneumothorax").verdict, AgreementVerdict::AgreeAbsent);
  EXPECT_EQ(r.needsReview, 3u);
}

TEST(FindingComparator, ThresholdDecidesPositive) {
  const FindingComparator comparator(extractor());
  const auto r = comparator.compare({{"effusion", 0.6, 0.7}}, "No pleural effusion.");
  EXPECT_EQ(item(r, "effusion").verdict, AgreementVerdict::AgreeAbsent);
}

TEST(FindingComparator, HistoricalAndFamilyMentionsAreNotCurrentFindings) {
  const FindingComparator comparator(extractor());
  const auto r = comparator.compare({{"tuberculosis", 0.9, 0.5}},
                                    "History of tuberculosis. Her mother had pneumonia.");
  EXPECT_EQ(item(r, "tuberculosis").text, TextStatus::HistoricalOnly);
  EXPECT_EQ(item(r, "tuberculosis").verdict, AgreementVerdict::Unaddressed);
  for (const auto& c : r.concepts) EXPECT_NE(c.conceptId, "pneumonia");
}

TEST(FindingComparator, RejectsBadAiInput) {
  const FindingComparator comparator(extractor());
  EXPECT_THROW(comparator.compare({{"unicorn", 0.5, 0.5}}, "No effusion."), Error);
  EXPECT_THROW(comparator.compare({{"effusion", 1.5, 0.5}}, "No effusion."), Error);
  EXPECT_THROW(comparator.compare({{"effusion", 0.5, 0.0}}, "No effusion."), Error);
  EXPECT_THROW(FindingComparator::parseAiFindings(nlohmann::json::parse(R"({"x":1})"), "ai.json"),
               Error);
  EXPECT_THROW(FindingComparator::parseAiFindings(
                   nlohmann::json::parse(R"([{"concept":"effusion"}])"), "ai.json"),
               Error);
  const auto ok = FindingComparator::parseAiFindings(
      nlohmann::json::parse(R"({"findings":[{"concept":"effusion","probability":0.4}]})"),
      "ai.json");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_DOUBLE_EQ(ok[0].threshold, 0.5);
}

}  // namespace medsight

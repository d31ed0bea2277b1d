#include <gtest/gtest.h>

#include "core/Error.h"
#include "language/LanguageDataDirectory.h"
#include "language/PatientSummaryWriter.h"
#include "language/ReadabilityScorer.h"

namespace medsight {
namespace {

SignedStudy sampleStudy() {
  return PatientSummaryWriter::parse(nlohmann::json::parse(R"({
    "study": {"modality": "CR", "body_part": "chest"},
    "signed_by": {"name": "Dr. Chen", "gender": "male"},
    "signed_at": "2024-05-02",
    "findings": [
      {"concept": "pneumonia", "present": true, "probability": 0.93,
       "laterality": "right", "location": "lower_lobe"},
      {"concept": "nodule", "present": true, "probability": 0.6, "count": 3},
      {"concept": "fracture", "present": true, "count": 1},
      {"concept": "effusion", "present": false},
      {"concept": "pneumothorax", "present": false}
    ]})"),
                                     "signed.json");
}

PatientSummaryWriter writer(TextLanguage language) {
  return PatientSummaryWriter(LanguageDataDirectory::file("patient_summary.json"), language);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(PatientSummaryWriter, EnglishSummaryCoversEveryPartAndHandlesPluralAndGender) {
  const auto s = writer(TextLanguage::English).write(sampleStudy());
  const std::string text = s.text();
  EXPECT_TRUE(contains(text, "X-ray pictures of your chest")) << text;
  EXPECT_TRUE(contains(text, "pneumonia) on the right side")) << text;
  EXPECT_TRUE(contains(text, "bottom part of the lung")) << text;
  EXPECT_TRUE(contains(text, "very sure")) << text;
  EXPECT_TRUE(contains(text, "3 small lumps (nodules)")) << text;
  EXPECT_TRUE(contains(text, "a broken bone.")) << text;
  EXPECT_TRUE(contains(text, "no signs of fluid around the lung or an air leak")) << text;
  EXPECT_TRUE(contains(text, "what to do next")) << text;
  EXPECT_TRUE(contains(text, "Dr. Chen checked and signed these results on 2024-05-02.")) << text;
  EXPECT_TRUE(contains(text, "He is happy")) << text;
}

TEST(PatientSummaryWriter, EnglishSummaryIsPlainEnglish) {
  const auto s = writer(TextLanguage::English).write(sampleStudy());
  const auto stats = ReadabilityScorer::english(s.sentences);
  EXPECT_GE(stats.fleschReadingEase, 60.0) << s.text();
  EXPECT_LE(stats.longestSentence, 20u) << s.text();
}

TEST(PatientSummaryWriter, ChineseSummaryIsShortAndComplete) {
  const auto s = writer(TextLanguage::Chinese).write(sampleStudy());
  const std::string text = s.text();
  EXPECT_TRUE(contains(text, "胸部的X光图像")) << text;
  EXPECT_TRUE(contains(text, "右侧发现了肺部感染（肺炎）")) << text;
  EXPECT_TRUE(contains(text, "3个小结节")) << text;
  EXPECT_TRUE(contains(text, "没有看到胸腔积液或气胸的迹象")) << text;
  EXPECT_TRUE(contains(text, "Dr. Chen已于2024-05-02审核并签署")) << text;
  const auto stats = ReadabilityScorer::chinese(s.sentences);
  EXPECT_LE(stats.longestSentence, 40u) << text;
}

TEST(PatientSummaryWriter, MentionsOnlyFindingsThatWereSigned) {
  auto study = sampleStudy();
  study.findings.resize(1);  // pneumonia only
  const auto text = writer(TextLanguage::English).write(study).text();
  for (const char* other : {"lump", "broken", "fluid", "air leak", "TB", "growth"}) {
    EXPECT_FALSE(contains(text, other)) << other << " in: " << text;
  }
}

TEST(PatientSummaryWriter, NoFindingsSaysSoAndFemalePronoun) {
  auto study = sampleStudy();
  study.findings.clear();
  study.signerGender = "female";
  study.signedOn.clear();
  const auto text = writer(TextLanguage::English).write(study).text();
  EXPECT_TRUE(contains(text, "did not record any problems")) << text;
  EXPECT_TRUE(contains(text, "signed these results.")) << text;
  EXPECT_TRUE(contains(text, "She is happy")) << text;
}

// One finding signed both present and absent would make the letter contradict itself; the
// same concept on two sides is two findings.
TEST(PatientSummaryWriter, RefusesAFindingSignedBothPresentAndAbsent) {
  auto json = nlohmann::json::parse(R"({
    "signed_by": {"name": "Dr. Chen", "gender": "male"},
    "findings": [
      {"concept": "pneumonia", "present": false},
      {"concept": "nodule", "present": true, "laterality": "left"},
      {"concept": "nodule", "present": false, "laterality": "right"},
      {"concept": "pneumonia", "present": true}
    ]})");
  try {
    PatientSummaryWriter::parse(json, "f.json");
    FAIL() << "contradictory findings were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("findings[3]: says pneumonia is present"),
              std::string::npos)
        << e.what();
  }
  json["findings"].erase(3);
  EXPECT_EQ(PatientSummaryWriter::parse(json, "f.json").findings.size(), 3u);
}

TEST(PatientSummaryWriter, RefusesUnsignedOrUnknownFindings) {
  EXPECT_THROW(PatientSummaryWriter::parse(
                   nlohmann::json::parse(R"({"findings": [{"concept": "pneumonia"}]})"), "f.json"),
               Error);
  EXPECT_THROW(PatientSummaryWriter::parse(nlohmann::json::parse(R"({"signed_by": "Dr. A",
                   "findings": [{"concept": "pneumonia", "probability": 2}]})"),
                                           "f.json"),
               Error);
  EXPECT_THROW(PatientSummaryWriter::parse(nlohmann::json::parse(R"({"signed_by": "Dr. A",
                   "findings": [{"concept": "pneumonia", "laterality": "up"}]})"),
                                           "f.json"),
               Error);
  EXPECT_THROW(PatientSummaryWriter::parse(nlohmann::json::parse("[1,2]"), "f.json"), Error);
  // A signer of spaces signs nothing.
  EXPECT_THROW(PatientSummaryWriter::parse(
                   nlohmann::json::parse(R"({"signed_by": "   ", "findings": []})"), "f.json"),
               Error);
  auto study = sampleStudy();
  study.findings[0].conceptId = "unicorn";
  try {
    writer(TextLanguage::Chinese).write(study);
    FAIL() << "expected InvalidArgument";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_TRUE(contains(e.what(), "unicorn"));
  }
}

TEST(ReadabilityScorer, SyllablesAndFleschOnKnownText) {
  EXPECT_EQ(ReadabilityScorer::syllables("cat"), 1u);
  EXPECT_EQ(ReadabilityScorer::syllables("bone"), 1u);
  EXPECT_EQ(ReadabilityScorer::syllables("little"), 2u);
  EXPECT_EQ(ReadabilityScorer::syllables("pneumonia"), 3u);
  EXPECT_EQ(ReadabilityScorer::syllables("looked"), 1u);
  const auto easy = ReadabilityScorer::english({"The cat sat on the mat."});
  EXPECT_GT(easy.fleschReadingEase, 100.0);
  const auto hard = ReadabilityScorer::english(
      {"Bilateral perihilar interstitial opacification demonstrates considerable "
       "radiographic progression."});
  EXPECT_LT(hard.fleschReadingEase, 0.0);
}

}  // namespace medsight

#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "language/FindingExtractor.h"
#include "language/TriggerLexicon.h"
#include "support/TestData.h"

namespace medsight {
namespace {

const FindingExtractor& extractor() {
  static const FindingExtractor instance = FindingExtractor::loadDefault();
  return instance;
}

const FindingMention* find(const ExtractionResult& r, const std::string& conceptId,
                           std::size_t nth = 0) {
  for (const auto& f : r.findings) {
    if (f.conceptId == conceptId && nth-- == 0) return &f;
  }
  return nullptr;
}

}  // namespace

TEST(FindingExtractor, EnglishReportAssertionsSectionsAndLaterality) {
  const auto r = extractor().extract(
      "FINDINGS: No pleural effusion or pneumothorax. There is consolidation in the right "
      "lower lobe. Possible small left upper lobe nodule.\n\nIMPRESSION: Right lower lobe "
      "pneumonia. History of tuberculosis.");
  const auto* effusion = find(r, "effusion");
  ASSERT_NE(effusion, nullptr);
  EXPECT_EQ(effusion->assertion, Assertion::Negated);
  EXPECT_EQ(effusion->section, "findings");
  const auto* pneumothorax = find(r, "pneumothorax");
  ASSERT_NE(pneumothorax, nullptr);
  EXPECT_EQ(pneumothorax->assertion, Assertion::Negated) << "negation scope covers the list";
  const auto* consolidation = find(r, "pneumonia", 0);
  ASSERT_NE(consolidation, nullptr);
  EXPECT_EQ(consolidation->text, "consolidation");
  EXPECT_EQ(consolidation->assertion, Assertion::Affirmed);
  EXPECT_EQ(consolidation->laterality, Laterality::Right);
  EXPECT_EQ(consolidation->location, "lower_lobe");
  const auto* nodule = find(r, "nodule");
  ASSERT_NE(nodule, nullptr);
  EXPECT_EQ(nodule->assertion, Assertion::Possible);
  EXPECT_EQ(nodule->laterality, Laterality::Left);
  EXPECT_EQ(nodule->location, "upper_lobe");
  const auto* pneumonia = find(r, "pneumonia", 1);
  ASSERT_NE(pneumonia, nullptr);
  EXPECT_EQ(pneumonia->section, "impression");
  const auto* tb = find(r, "tuberculosis");
  ASSERT_NE(tb, nullptr);
  EXPECT_EQ(tb->temporality, Temporality::Historical);
  EXPECT_EQ(tb->assertion, Assertion::Affirmed);
}

TEST(FindingExtractor, TerminationEndsNegationScope) {
  const auto r = extractor().extract("No pneumothorax, but there is a small pleural effusion.");
  ASSERT_NE(find(r, "pneumothorax"), nullptr);
  EXPECT_EQ(find(r, "pneumothorax")->assertion, Assertion::Negated);
  ASSERT_NE(find(r, "effusion"), nullptr);
  EXPECT_EQ(find(r, "effusion")->assertion, Assertion::Affirmed);
}

// An empty trigger file would switch negation detection off without a word.
TEST(TriggerLexicon, AnEmptyTriggerFileIsRefused) {
  const auto tmp = test::temporaryDirectory("triggers");
  std::ofstream(tmp / "empty.txt") << "";
  for (auto load : {&TriggerLexicon::load, &TriggerLexicon::loadNegEx}) {
    try {
      load(tmp / "empty.txt");
      FAIL() << "an empty trigger file was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::EmptyInput) << e.what();
    }
  }
}

TEST(FindingExtractor, PseudoTriggersDoNotNegate) {
  const auto r = extractor().extract("No change in the left lung nodule.");
  ASSERT_NE(find(r, "nodule"), nullptr);
  EXPECT_EQ(find(r, "nodule")->assertion, Assertion::Affirmed);
}

TEST(FindingExtractor, PostTriggersAndHypotheticalAndFamily) {
  const auto r = extractor().extract(
      "Pneumothorax has been ruled out. Return if you develop a fracture. His mother had "
      "tuberculosis.");
  EXPECT_EQ(find(r, "pneumothorax")->assertion, Assertion::Negated);
  EXPECT_EQ(find(r, "fracture")->temporality, Temporality::Hypothetical);
  EXPECT_EQ(find(r, "tuberculosis")->experiencer, Experiencer::Other);
}

TEST(FindingExtractor, ChineseReport) {
  const auto r = extractor().extract(
      "影像所见：右肺下叶见斑片状实变影，未见胸腔积液及气胸。\n印象：右肺下叶肺炎，不除外结核。"
      "既往肋骨骨折。");
  const auto* consolidation = find(r, "pneumonia", 0);
  ASSERT_NE(consolidation, nullptr);
  EXPECT_EQ(consolidation->language, "zh");
  EXPECT_EQ(consolidation->assertion, Assertion::Affirmed);
  EXPECT_EQ(consolidation->location, "lower_lobe");
  EXPECT_EQ(consolidation->section, "findings");
  EXPECT_EQ(find(r, "effusion")->assertion, Assertion::Negated);
  EXPECT_EQ(find(r, "pneumothorax")->assertion, Assertion::Negated);
  const auto* pneumonia = find(r, "pneumonia", 1);
  ASSERT_NE(pneumonia, nullptr);
  EXPECT_EQ(pneumonia->section, "impression");
  EXPECT_EQ(pneumonia->laterality, Laterality::Right);
  EXPECT_EQ(find(r, "tuberculosis")->assertion, Assertion::Possible);
  EXPECT_EQ(find(r, "fracture")->temporality, Temporality::Historical);
  EXPECT_EQ(r.chineseSentences, r.sentenceCount);
}

TEST(FindingExtractor, ChineseCommaEndsNegationScope) {
  const auto r = extractor().extract("双肺未见结节，右侧胸腔积液。");
  EXPECT_EQ(find(r, "nodule")->assertion, Assertion::Negated);
  EXPECT_EQ(find(r, "effusion")->assertion, Assertion::Affirmed);
  EXPECT_EQ(find(r, "effusion")->laterality, Laterality::Right);
}

TEST(FindingExtractor, MixedLanguagesAreAnalysedPerSentenceWithAWarning) {
  const auto r = extractor().extract("No pleural effusion. 右肺结节。右肺 nodule, 未见气胸。");
  EXPECT_EQ(find(r, "effusion")->assertion, Assertion::Negated);
  EXPECT_EQ(find(r, "nodule", 0)->language, "zh");
  EXPECT_EQ(find(r, "nodule", 1)->language, "en");
  EXPECT_EQ(find(r, "pneumothorax")->assertion, Assertion::Negated);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("mixed"), std::string::npos);
}

TEST(FindingExtractor, ForcedLanguageIgnoresTheOtherScriptAndSaysSo) {
  ExtractionOptions options;
  options.language = TextLanguage::English;
  const auto r = extractor().extract("右肺结节。 Left nodule.", options);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].language, "en");
  ASSERT_EQ(r.warnings.size(), 1u);
}

TEST(FindingExtractor, SpansPointAtTheOriginalBytes) {
  const std::string text = "IMPRESSION:  Large LEFT Pleural   Effusion.";
  const auto r = extractor().extract(text);
  ASSERT_EQ(r.findings.size(), 1u);
  const auto& f = r.findings[0];
  EXPECT_EQ(text.substr(f.span.begin, f.span.end - f.span.begin), "Pleural   Effusion");
  EXPECT_EQ(f.laterality, Laterality::Left);
}

TEST(FindingExtractor, BadInputGivesClearErrors) {
  auto codeOf = [](const std::string& text) {
    try {
      extractor().extract(text);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::Internal;
  };
  EXPECT_EQ(codeOf(""), ErrorCode::EmptyInput);
  EXPECT_EQ(codeOf("   \n "), ErrorCode::EmptyInput);
  EXPECT_EQ(codeOf(std::string("No effusion\xff.", 13)), ErrorCode::UnsupportedFormat);
  ExtractionOptions small;
  small.maxBytes = 10;
  EXPECT_THROW(extractor().extract("No pleural effusion.", small), Error);
}

TEST(FindingExtractor, TextWithoutFindingsOrWordsIsNotAnError) {
  EXPECT_TRUE(extractor().extract("...!!! 12345 ;;").findings.empty());
  EXPECT_TRUE(extractor().extract("The patient is comfortable.").findings.empty());
}

TEST(FindingExtractor, TenMegabyteReportIsAnalysed) {
  const std::string sentence = "No pleural effusion. Right lower lobe consolidation. ";
  std::string text;
  text.reserve(10u << 20);
  while (text.size() + sentence.size() <= (10u << 20)) text += sentence;
  const auto r = extractor().extract(text);
  const std::size_t copies = text.size() / sentence.size();
  EXPECT_EQ(r.sentenceCount, 2 * copies);
  ASSERT_EQ(r.findings.size(), 2 * copies);
  EXPECT_EQ(r.findings.back().assertion, Assertion::Affirmed);
  EXPECT_EQ(r.findings[r.findings.size() - 2].assertion, Assertion::Negated);
}

TEST(FindingExtractor, RunOnTextWithoutPunctuationIsCutIntoBoundedSentences) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "no effusion ";
  const auto r = extractor().extract(text);
  EXPECT_GT(r.sentenceCount, 100u);
  EXPECT_EQ(r.findings.size(), 200000u);
}

TEST(FindingExtractor, JudgeTargetPrefersTheCapitalisedMention) {
  const auto j =
      extractor().judgeTarget("He has pain in the knee. There is no PAIN in the hip.", "pain");
  ASSERT_TRUE(j.found);
  EXPECT_EQ(j.judgement.assertion, Assertion::Negated);
}

TEST(FindingExtractor, TriggerWordsInsideTheTargetDoNotSwallowIt) {
  const auto j = extractor().judgeTarget("IMPRESSION: NO ACUTE FRACTURE SEEN.", "acute fracture");
  ASSERT_TRUE(j.found);
  EXPECT_EQ(j.judgement.assertion, Assertion::Negated);
}

TEST(FindingExtractor, SectionHeadingSetsTemporality) {
  const auto j = extractor().judgeTarget(
      "PAST MEDICAL HISTORY: Diabetes, HYPERTENSION. HISTORY OF PRESENT ILLNESS: Chest pain.",
      "hypertension");
  EXPECT_EQ(j.judgement.temporality, Temporality::Historical);
  const auto k = extractor().judgeTarget(
      "PAST MEDICAL HISTORY: Diabetes. HISTORY OF PRESENT ILLNESS: CHEST PAIN.", "chest pain");
  EXPECT_EQ(k.judgement.temporality, Temporality::Recent);
}

}  // namespace medsight

#include <gtest/gtest.h>

#include "core/Error.h"
#include "language/PhraseMatcher.h"
#include "language/WordTokenizer.h"

namespace medsight {
namespace {

std::vector<PhraseMatcher::Match> matchAll(const PhraseMatcher& m, const std::string& text,
                                           std::vector<Token>* tokensOut = nullptr) {
  std::vector<Token> tokens;
  WordTokenizer::tokenize(text, 0, tokens);
  std::vector<std::uint32_t> ids;
  m.encode(tokens, ids);
  std::vector<PhraseMatcher::Match> out;
  m.findAll(ids, 0, static_cast<std::uint32_t>(ids.size()), out);
  if (tokensOut) *tokensOut = tokens;
  return out;
}

}  // namespace

TEST(PhraseMatcher, PrefersTheLongestPhraseAndIgnoresCaseAndSpacing) {
  PhraseMatcher m;
  const auto no = m.add(WordTokenizer::phraseTokens("no"), "t");
  const auto noEvidence = m.add(WordTokenizer::phraseTokens("no evidence of"), "t");
  const auto matches = matchAll(m, "There is NO   evidence\nof effusion and no mass.");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].phrase, noEvidence);
  EXPECT_EQ(matches[0].last - matches[0].first, 3u);
  EXPECT_EQ(matches[1].phrase, no);
}

TEST(PhraseMatcher, SameTokensGiveTheSameId) {
  PhraseMatcher m;
  EXPECT_EQ(m.add({"status", "post"}, "t"),
            m.add(WordTokenizer::phraseTokens("Status  Post"), "t"));
  EXPECT_EQ(m.size(), 1u);
}

TEST(PhraseMatcher, MatchesChinesePerCharacterInsideLongerRuns) {
  PhraseMatcher m;
  const auto effusion = m.add(WordTokenizer::phraseTokens("胸腔积液"), "t");
  std::vector<Token> tokens;
  const auto matches = matchAll(m, "右侧胸腔积液，未见气胸。", &tokens);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].phrase, effusion);
  EXPECT_EQ(tokens[matches[0].first].begin, 6u);  // after "右侧" (2 x 3 bytes)
}

TEST(PhraseMatcher, SplitsAbbreviationsConsistently) {
  PhraseMatcher m;
  const auto sp = m.add(WordTokenizer::phraseTokens("s/p"), "t");
  const auto matches = matchAll(m, "S/P CABG");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].phrase, sp);
}

TEST(PhraseMatcher, EmptyPhraseIsAConfigurationError) {
  PhraseMatcher m;
  EXPECT_THROW(m.add({}, "triggers.tsv:3"), Error);
}

}  // namespace medsight

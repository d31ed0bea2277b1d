#include "language/TriggerLexicon.h"

#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "language/LexiconFile.h"

namespace medsight {
namespace {

ContextCategory parseCategory(const std::string& s, const std::string& where) {
  if (s == "negated") return ContextCategory::Negated;
  if (s == "possible") return ContextCategory::Possible;
  if (s == "historical") return ContextCategory::Historical;
  if (s == "hypothetical") return ContextCategory::Hypothetical;
  if (s == "other_experiencer") return ContextCategory::OtherExperiencer;
  if (s == "pseudo") return ContextCategory::Pseudo;
  if (s == "terminate") return ContextCategory::Terminate;
  throw Error(ErrorCode::InvalidConfiguration, where + ": unknown category '" + s + "'");
}

ScopeDirection parseDirection(const std::string& s, const std::string& where) {
  if (s == "forward") return ScopeDirection::Forward;
  if (s == "backward") return ScopeDirection::Backward;
  if (s == "both") return ScopeDirection::Both;
  if (s == "none") return ScopeDirection::None;
  throw Error(ErrorCode::InvalidConfiguration, where + ": unknown direction '" + s + "'");
}

std::uint8_t parseTerminates(const std::string& s, const std::string& where) {
  if (s == "-" || s.empty()) return 0;
  if (s == "all") return (1u << kModifierCategoryCount) - 1;
  std::uint8_t mask = 0;
  std::stringstream list(s);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto c = parseCategory(item, where);
    if (c == ContextCategory::Pseudo || c == ContextCategory::Terminate) {
      throw Error(ErrorCode::InvalidConfiguration,
                  where + ": only modifier categories can be terminated, not '" + item + "'");
    }
    mask |= static_cast<std::uint8_t>(1u << static_cast<int>(c));
  }
  return mask;
}

std::uint8_t parseLanguage(const std::string& s, const std::string& where) {
  if (s == "en") return kEnglishBit;
  if (s == "zh") return kChineseBit;
  throw Error(ErrorCode::InvalidConfiguration, where + ": unknown language '" + s + "'");
}

}  // namespace

void TriggerLexicon::add(const std::string& phrase, const TriggerRule& rule,
                         const std::string& context) {
  const std::uint32_t id = matcher_.add(WordTokenizer::phraseTokens(phrase), context);
  if (id >= rules_.size()) {
    rules_.resize(id + 1);
    phrases_.resize(id + 1);
  }
  if (phrases_[id].empty()) phrases_[id] = phrase;
  rules_[id].push_back(rule);
}

std::size_t TriggerLexicon::ruleCount() const {
  std::size_t n = 0;
  for (const auto& r : rules_) n += r.size();
  return n;
}

TriggerLexicon TriggerLexicon::load(const std::filesystem::path& path) {
  TriggerLexicon lexicon;
  LexiconFile::forEachRow(
      path, 5, [&](const std::vector<std::string>& cols, const std::string& where) {
        TriggerRule rule;
        rule.language = parseLanguage(cols[1], where);
        rule.category = parseCategory(cols[2], where);
        rule.direction = parseDirection(cols[3], where);
        try {
          const int window = std::stoi(cols[4]);
          if (window < 0 || window > 1000) throw std::out_of_range("window");
          rule.window = static_cast<std::uint16_t>(window);
        } catch (const std::logic_error&) {
          throw Error(ErrorCode::InvalidConfiguration,
                      where + ": window '" + cols[4] + "' is not a number 0..1000");
        }
        rule.terminates = cols.size() > 5 ? parseTerminates(cols[5], where) : 0;
        const bool modifier =
            rule.category != ContextCategory::Pseudo && rule.category != ContextCategory::Terminate;
        if (modifier == (rule.direction == ScopeDirection::None)) {
          throw Error(
              ErrorCode::InvalidConfiguration,
              where + ": modifier triggers need a direction, pseudo and terminate need none");
        }
        lexicon.add(cols[0], rule, where);
      });
  // An empty trigger file would switch off negation detection without a word.
  if (lexicon.ruleCount() == 0) {
    throw Error(ErrorCode::EmptyInput, path.string() + ": the trigger file holds no triggers");
  }
  return lexicon;
}

TriggerLexicon TriggerLexicon::loadNegEx(const std::filesystem::path& path) {
  TriggerLexicon lexicon;
  LexiconFile::forEachRow(
      path, 2, [&](const std::vector<std::string>& cols, const std::string& where) {
        const std::string& tag = cols.back();
        TriggerRule rule;
        if (tag == "[PREN]") {
          rule.category = ContextCategory::Negated, rule.direction = ScopeDirection::Forward;
        } else if (tag == "[POST]") {
          rule.category = ContextCategory::Negated, rule.direction = ScopeDirection::Backward;
        } else if (tag == "[PREP]") {
          rule.category = ContextCategory::Possible, rule.direction = ScopeDirection::Forward;
        } else if (tag == "[POSP]") {
          rule.category = ContextCategory::Possible, rule.direction = ScopeDirection::Backward;
        } else if (tag == "[PSEU]") {
          rule.category = ContextCategory::Pseudo;
        } else if (tag == "[CONJ]") {
          rule.category = ContextCategory::Terminate;
          rule.terminates = (1u << static_cast<int>(ContextCategory::Negated)) |
                            (1u << static_cast<int>(ContextCategory::Possible));
        } else {
          throw Error(ErrorCode::InvalidConfiguration, where + ": unknown NegEx tag '" + tag + "'");
        }
        lexicon.add(cols[0], rule, where);
      });
  // An empty trigger file would switch off negation detection without a word.
  if (lexicon.ruleCount() == 0) {
    throw Error(ErrorCode::EmptyInput, path.string() + ": the trigger file holds no triggers");
  }
  return lexicon;
}

}  // namespace medsight

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "language/PhraseMatcher.h"

namespace medsight {

/// \brief What a ConText trigger does (Harkema et al., J Biomed Inform 2009, Table 1).
enum class ContextCategory : std::uint8_t {
  Negated,
  Possible,
  Historical,
  Hypothetical,
  OtherExperiencer,
  Pseudo,
  Terminate
};

/// \brief Number of categories that modify findings (Negated..OtherExperiencer).
inline constexpr int kModifierCategoryCount = 5;

/// \brief Which way a trigger's scope extends from it.
enum class ScopeDirection : std::uint8_t { None, Forward, Backward, Both };

/// \brief Language bits of a lexicon row; a sentence enables the languages of its scripts.
enum LanguageBits : std::uint8_t { kEnglishBit = 1, kChineseBit = 2 };

/// \brief One row of the trigger lexicon.
struct TriggerRule {
  /// \brief What the trigger does.
  ContextCategory category = ContextCategory::Pseudo;
  /// \brief Scope direction (None for pseudo and termination terms).
  ScopeDirection direction = ScopeDirection::None;
  /// \brief Largest distance in words to a finding; 0 means the whole segment.
  std::uint16_t window = 0;
  /// \brief Bit i set: ends the scope of modifier category i.
  std::uint8_t terminates = 0;
  /// \brief kEnglishBit or kChineseBit.
  std::uint8_t language = kEnglishBit;
};

/// \brief The ConText trigger lexicon: phrases with their rules, compiled into a
/// PhraseMatcher. Read from MedSight's own TSV format (data/language/triggers.tsv) or from the
/// published NegEx list format ("phrase\t\t[PREN]").
class TriggerLexicon {
 public:
  /// \brief Reads MedSight's trigger TSV; throws FileNotFound / InvalidConfiguration naming the
  /// file and line.
  static TriggerLexicon load(const std::filesystem::path& path);
  /// \brief Reads the NegEx list format: PREN/POST = negation before/after, PREP/POSP =
  /// possible before/after, PSEU = pseudo-trigger, CONJ = termination (Chapman et al. 2001).
  static TriggerLexicon loadNegEx(const std::filesystem::path& path);

  /// \brief Adds one rule for `phrase`.
  void add(const std::string& phrase, const TriggerRule& rule, const std::string& context);

  /// \brief The compiled phrases.
  const PhraseMatcher& matcher() const { return matcher_; }
  /// \brief Rules of phrase id `phrase`.
  const std::vector<TriggerRule>& rules(std::uint32_t phrase) const { return rules_[phrase]; }
  /// \brief Text of phrase id `phrase` (for evidence in results).
  const std::string& phrase(std::uint32_t phrase) const { return phrases_[phrase]; }
  /// \brief Number of rules.
  std::size_t ruleCount() const;

 private:
  PhraseMatcher matcher_;
  std::vector<std::vector<TriggerRule>> rules_;
  std::vector<std::string> phrases_;
};

}  // namespace medsight

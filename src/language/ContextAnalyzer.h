#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "language/FindingAttributes.h"
#include "language/TriggerLexicon.h"

namespace medsight {

/// \brief A trigger phrase found in a sentence: tokens [first, last) and its phrase id.
struct TriggerHit {
  /// \brief First token.
  std::uint32_t first;
  /// \brief One past the last token.
  std::uint32_t last;
  /// \brief Phrase id in the TriggerLexicon.
  std::uint32_t phrase;
};

/// \brief Defaults for a finding when no trigger applies (from its report section).
struct ContextDefaults {
  /// \brief Temporality without a temporal trigger.
  Temporality temporality = Temporality::Recent;
  /// \brief Experiencer without an experiencer trigger.
  Experiencer experiencer = Experiencer::Patient;
};

/// \brief ConText's verdict on one finding mention, with the triggers that decided it.
struct ContextJudgement {
  /// \brief Affirmed, negated or possible.
  Assertion assertion = Assertion::Affirmed;
  /// \brief Recent, historical or hypothetical.
  Temporality temporality = Temporality::Recent;
  /// \brief Patient or someone else.
  Experiencer experiencer = Experiencer::Patient;
  /// \brief "category:phrase" for each trigger that applied, e.g. "negated:no evidence of".
  std::vector<std::string> evidence;
};

/// \brief The ConText algorithm (Harkema et al., J Biomed Inform 2009), generalising NegEx
/// (Chapman et al., J Biomed Inform 2001): triggers of each category modify findings inside
/// their scope, which runs forward or backward from the trigger to the end of the segment, a
/// termination term of that category, or the trigger's word window. Pseudo-triggers win as
/// longer matches and modify nothing. When several triggers reach a finding, the nearest
/// decides (so "no X, possible Y" gives Y possible). Immutable; thread-safe.
class ContextAnalyzer {
 public:
  /// \brief Takes ownership of the trigger lexicon.
  explicit ContextAnalyzer(TriggerLexicon lexicon);

  /// \brief The lexicon in use.
  const TriggerLexicon& lexicon() const { return lexicon_; }

  /// \brief Appends the triggers enabled for `languages` found in tokens [begin, end).
  void findTriggers(const std::vector<std::uint32_t>& ids, std::uint32_t begin, std::uint32_t end,
                    std::uint8_t languages, std::vector<TriggerHit>& out) const;

  /// \brief Judges the finding at tokens [first, last) given the segment's trigger hits (in
  /// token order). `wordIndex[i]` counts word tokens before token i (windows count words).
  ContextJudgement judge(const std::vector<TriggerHit>& hits, std::uint32_t first,
                         std::uint32_t last, const std::vector<std::uint32_t>& wordIndex,
                         std::uint8_t languages, const ContextDefaults& defaults) const;

 private:
  TriggerLexicon lexicon_;
};

}  // namespace medsight

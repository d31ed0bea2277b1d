#include "language/ContextAnalyzer.h"

#include <array>
#include <limits>

namespace medsight {
namespace {

constexpr std::uint32_t kFar = std::numeric_limits<std::uint32_t>::max();

struct Candidate {
  std::uint32_t distance = kFar;
  std::uint32_t phrase = 0;
};

bool reaches(const TriggerRule& rule, int category, bool forward, std::uint32_t distance) {
  if (static_cast<int>(rule.category) != category) return false;
  const bool directionOk =
      rule.direction == ScopeDirection::Both ||
      rule.direction == (forward ? ScopeDirection::Forward : ScopeDirection::Backward);
  return directionOk && (rule.window == 0 || distance <= rule.window);
}

}  // namespace

ContextAnalyzer::ContextAnalyzer(TriggerLexicon lexicon) : lexicon_(std::move(lexicon)) {}

void ContextAnalyzer::findTriggers(const std::vector<std::uint32_t>& ids, std::uint32_t begin,
                                   std::uint32_t end, std::uint8_t languages,
                                   std::vector<TriggerHit>& out) const {
  std::vector<PhraseMatcher::Match> matches;
  lexicon_.matcher().findAll(ids, begin, end, matches);
  for (const auto& m : matches) {
    for (const auto& rule : lexicon_.rules(m.phrase)) {
      if ((rule.language & languages) != 0) {
        out.push_back({m.first, m.last, m.phrase});
        break;
      }
    }
  }
}

ContextJudgement ContextAnalyzer::judge(const std::vector<TriggerHit>& hits, std::uint32_t first,
                                        std::uint32_t last,
                                        const std::vector<std::uint32_t>& wordIndex,
                                        std::uint8_t languages,
                                        const ContextDefaults& defaults) const {
  std::array<Candidate, kModifierCategoryCount> best{};
  // Index of the first hit at or after the finding.
  std::size_t split = 0;
  while (split < hits.size() && hits[split].first < first) ++split;

  for (int category = 0; category < kModifierCategoryCount; ++category) {
    const auto bit = static_cast<std::uint8_t>(1u << category);
    // Forward-scoped triggers before the finding, nearest first.
    for (std::size_t k = split; k-- > 0;) {
      const TriggerHit& h = hits[k];
      if (h.last > first) continue;  // overlaps the finding itself
      const std::uint32_t distance = wordIndex[first] - wordIndex[h.last];
      bool found = false;
      bool stop = false;
      for (const auto& rule : lexicon_.rules(h.phrase)) {
        if ((rule.language & languages) == 0) continue;
        if (reaches(rule, category, true, distance)) found = true;
        if ((rule.terminates & bit) != 0) stop = true;
      }
      if (found) {
        best[category] = {distance, h.phrase};
        break;
      }
      if (stop) break;
    }
    // Backward-scoped triggers after the finding, nearest first.
    for (std::size_t k = split; k < hits.size(); ++k) {
      const TriggerHit& h = hits[k];
      if (h.first < last) continue;
      const std::uint32_t distance = wordIndex[h.first] - wordIndex[last];
      if (distance >= best[category].distance) break;
      bool found = false;
      bool stop = false;
      for (const auto& rule : lexicon_.rules(h.phrase)) {
        if ((rule.language & languages) == 0) continue;
        if (reaches(rule, category, false, distance)) found = true;
        if ((rule.terminates & bit) != 0) stop = true;
      }
      if (found) {
        best[category] = {distance, h.phrase};
        break;
      }
      if (stop) break;
    }
  }

  ContextJudgement j;
  j.temporality = defaults.temporality;
  j.experiencer = defaults.experiencer;
  auto note = [&](const char* name, const Candidate& c) {
    j.evidence.push_back(std::string(name) + ":" + lexicon_.phrase(c.phrase));
  };
  const auto& negated = best[static_cast<int>(ContextCategory::Negated)];
  const auto& possible = best[static_cast<int>(ContextCategory::Possible)];
  if (negated.distance != kFar && negated.distance <= possible.distance) {
    j.assertion = Assertion::Negated;
    note("negated", negated);
  } else if (possible.distance != kFar) {
    j.assertion = Assertion::Possible;
    note("possible", possible);
  }
  const auto& historical = best[static_cast<int>(ContextCategory::Historical)];
  const auto& hypothetical = best[static_cast<int>(ContextCategory::Hypothetical)];
  if (hypothetical.distance != kFar && hypothetical.distance <= historical.distance) {
    j.temporality = Temporality::Hypothetical;
    note("hypothetical", hypothetical);
  } else if (historical.distance != kFar) {
    j.temporality = Temporality::Historical;
    note("historical", historical);
  }
  const auto& other = best[static_cast<int>(ContextCategory::OtherExperiencer)];
  if (other.distance != kFar) {
    j.experiencer = Experiencer::Other;
    note("other_experiencer", other);
  }
  return j;
}

}  // namespace medsight

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "language/PhraseMatcher.h"

namespace medsight {

/// \brief What a lexicon term denotes: a finding concept, or a laterality/location value.
struct TermSense {
  /// \brief "concept", "laterality" or "location".
  std::string kind;
  /// \brief Concept id ("pneumonia") or value ("left", "upper_lobe").
  std::string value;
  /// \brief kEnglishBit or kChineseBit.
  std::uint8_t language = 1;
};

/// \brief Surface terms of finding concepts (data/language/concepts.tsv) or of anatomy
/// (data/language/anatomy.tsv), in English and Chinese, compiled into a PhraseMatcher.
class TermLexicon {
 public:
  /// \brief Reads "concept id, language, term" rows.
  static TermLexicon loadConcepts(const std::filesystem::path& path);
  /// \brief Reads "kind, value, language, term" rows (kind laterality | location).
  static TermLexicon loadAnatomy(const std::filesystem::path& path);

  /// \brief The compiled terms.
  const PhraseMatcher& matcher() const { return matcher_; }
  /// \brief Senses of phrase id `phrase` (one term may be in several languages).
  const std::vector<TermSense>& senses(std::uint32_t phrase) const { return senses_[phrase]; }
  /// \brief Distinct concept ids / values, in file order.
  const std::vector<std::string>& values() const { return values_; }
  /// \brief True when `value` is a known concept id / value.
  bool hasValue(const std::string& value) const;

 private:
  void add(const std::string& term, TermSense sense, const std::string& where);
  PhraseMatcher matcher_;
  std::vector<std::vector<TermSense>> senses_;
  std::vector<std::string> values_;
};

}  // namespace medsight

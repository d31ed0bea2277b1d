#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace medsight {

/// \brief Readability figures of a text given as sentences.
struct ReadabilityStats {
  /// \brief Sentences.
  std::size_t sentences = 0;
  /// \brief Words (English) or Han characters (Chinese).
  std::size_t words = 0;
  /// \brief Estimated syllables (English only).
  std::size_t syllables = 0;
  /// \brief Longest sentence in words (English) or characters (Chinese).
  std::size_t longestSentence = 0;
  /// \brief Flesch reading ease (English only; 60-70 = plain English).
  double fleschReadingEase = 0.0;
};

/// \brief Readability checks for patient text: Flesch reading ease (Flesch 1948:
/// 206.835 - 1.015 words/sentence - 84.6 syllables/word) with a vowel-group syllable estimate
/// for English; sentence length in characters for Chinese.
class ReadabilityScorer {
 public:
  /// \brief Scores English sentences.
  static ReadabilityStats english(const std::vector<std::string>& sentences);
  /// \brief Scores Chinese sentences (counts code points that are not punctuation/space).
  static ReadabilityStats chinese(const std::vector<std::string>& sentences);
  /// \brief Estimated syllables of one English word (at least 1).
  static std::size_t syllables(std::string_view word);
};

}  // namespace medsight

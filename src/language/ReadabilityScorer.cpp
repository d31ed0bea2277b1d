#include "language/ReadabilityScorer.h"

#include <algorithm>
#include <cctype>

#include "language/TextInput.h"

namespace medsight {

std::size_t ReadabilityScorer::syllables(std::string_view word) {
  std::string w;
  for (const char c : word) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (w.empty()) return 0;
  auto vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };
  std::size_t count = 0;
  bool previous = false;
  for (const char c : w) {
    const bool v = vowel(c);
    if (v && !previous) ++count;
    previous = v;
  }
  // Silent final "e" ("bone", "sure"), but not "-le" after a consonant ("little").
  if (w.size() > 2 && w.back() == 'e' && !vowel(w[w.size() - 2]) &&
      !(w[w.size() - 2] == 'l' && !vowel(w[w.size() - 3]))) {
    --count;
  }
  // "-ed" endings are usually silent unless after t/d ("looked", "checked").
  if (w.size() > 3 && w.ends_with("ed") && w[w.size() - 3] != 't' && w[w.size() - 3] != 'd' &&
      !vowel(w[w.size() - 3])) {
    --count;
  }
  return std::max<std::size_t>(count, 1);
}

ReadabilityStats ReadabilityScorer::english(const std::vector<std::string>& sentences) {
  ReadabilityStats s;
  for (const auto& sentence : sentences) {
    std::size_t words = 0;
    std::string word;
    auto flush = [&] {
      if (!word.empty()) {
        ++words;
        s.syllables += syllables(word);
        word.clear();
      }
    };
    for (const char c : sentence) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
        word.push_back(c);
      } else {
        flush();
      }
    }
    flush();
    if (words == 0) continue;
    ++s.sentences;
    s.words += words;
    s.longestSentence = std::max(s.longestSentence, words);
  }
  if (s.words > 0 && s.sentences > 0) {
    s.fleschReadingEase = 206.835 - 1.015 * double(s.words) / double(s.sentences) -
                          84.6 * double(s.syllables) / double(s.words);
  }
  return s;
}

ReadabilityStats ReadabilityScorer::chinese(const std::vector<std::string>& sentences) {
  ReadabilityStats s;
  for (const auto& sentence : sentences) {
    std::size_t chars = 0;
    std::size_t pos = 0;
    while (pos < sentence.size()) {
      const char32_t c = TextInput::decode(sentence, pos);
      const bool punctuation = c < 0x80
                                   ? !std::isalnum(static_cast<int>(c))
                                   : (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
                                         (c >= 0xFF1A && c <= 0xFF20);
      if (!punctuation) ++chars;
    }
    if (chars == 0) continue;
    ++s.sentences;
    s.words += chars;
    s.longestSentence = std::max(s.longestSentence, chars);
  }
  return s;
}

}  // namespace medsight

#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace medsight {

/// \brief A byte range [begin, end) of a document.
struct TextSpan {
  /// \brief First byte.
  std::uint32_t begin = 0;
  /// \brief One past the last byte.
  std::uint32_t end = 0;
};

/// \brief Splits a document into sentences with ICU's sentence break iterator (UAX #29, with
/// the CLDR abbreviation suppressions "en@ss=standard" so "Dr." does not end a sentence).
/// Single line breaks inside a paragraph are read as spaces (reports are often hard-wrapped);
/// a blank line always ends a sentence. Sentences longer than `maxSentenceBytes` are cut at
/// the last space before the limit, so a 10 MB run-on text cannot make one giant scope.
/// Thread-safe.
class SentenceSegmenter {
 public:
  /// \brief Default longest sentence kept whole (bytes).
  static constexpr std::uint32_t kDefaultMaxSentenceBytes = 4096;
  /// \brief Sentence spans of `text`, skipping blank ones.
  static std::vector<TextSpan> split(std::string_view text,
                                     std::uint32_t maxSentenceBytes = kDefaultMaxSentenceBytes);
};

}  // namespace medsight

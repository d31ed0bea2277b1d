#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "language/WordTokenizer.h"

namespace medsight {

/// \brief A compiled automaton (a trie over token ids) that finds lexicon phrases in a token
/// sequence, leftmost-longest and non-overlapping, in time linear in the tokens times the
/// longest phrase. Phrases are token sequences produced by WordTokenizer, so matching is
/// case-insensitive and independent of spacing. Immutable after building; thread-safe to use.
class PhraseMatcher {
 public:
  /// \brief Token id of a token absent from every phrase.
  static constexpr std::uint32_t kUnknownToken = 0xFFFFFFFFu;

  /// \brief One occurrence: tokens [first, last) hold phrase `phrase`.
  struct Match {
    /// \brief First token.
    std::uint32_t first;
    /// \brief One past the last token.
    std::uint32_t last;
    /// \brief Phrase id returned by add().
    std::uint32_t phrase;
  };

  /// \brief Adds a phrase (its tokens); returns its id. Adding the same tokens again returns
  /// the same id. Throws InvalidConfiguration for an empty phrase.
  std::uint32_t add(const std::vector<std::string>& tokens, const std::string& context);

  /// \brief Maps tokens to this matcher's token ids (kUnknownToken when absent).
  void encode(const std::vector<Token>& tokens, std::vector<std::uint32_t>& ids) const;

  /// \brief Appends leftmost-longest matches within tokens [begin, end) of encoded `ids`.
  void findAll(const std::vector<std::uint32_t>& ids, std::uint32_t begin, std::uint32_t end,
               std::vector<Match>& out) const;

  /// \brief Longest phrase starting exactly at `first`; false when none.
  bool longestAt(const std::vector<std::uint32_t>& ids, std::uint32_t first, std::uint32_t end,
                 Match& match) const;

  /// \brief Number of distinct phrases.
  std::size_t size() const { return phraseCount_; }

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::uint32_t child(std::uint32_t node, std::uint32_t token) const;

  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> vocabulary_;
  std::unordered_map<std::uint64_t, std::uint32_t> edges_;
  std::vector<std::int32_t> phraseAtNode_{-1};
  std::size_t phraseCount_ = 0;
};

}  // namespace medsight

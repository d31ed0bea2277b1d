#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medsight {

/// \brief Kind of a token, from the ICU word-break rule status (UAX #29).
enum class TokenKind : std::uint8_t { Word, Number, Han, Punctuation };

/// \brief One token of report text: case-folded text plus its byte span in the document.
struct Token {
  /// \brief Case-folded token text (what lexicons are matched against).
  std::string text;
  /// \brief First byte in the document.
  std::uint32_t begin = 0;
  /// \brief One past the last byte in the document.
  std::uint32_t end = 0;
  /// \brief Word, number, Han character or punctuation.
  TokenKind kind = TokenKind::Word;
};

/// \brief Splits text into words with ICU's word break iterator (Unicode UAX #29 rules) and
/// case-folds them; Han runs become one token per character so that Chinese lexicon terms
/// match regardless of how a dictionary would segment them. Whitespace is dropped;
/// punctuation is kept (commas and semicolons end ConText scopes in Chinese).
/// Thread-safe: each thread uses its own ICU iterator.
class WordTokenizer {
 public:
  /// \brief Appends the tokens of `text` to `out`; spans are offset by `offset`.
  static void tokenize(std::string_view text, std::uint32_t offset, std::vector<Token>& out);
  /// \brief Tokens of a lexicon phrase (texts only).
  static std::vector<std::string> phraseTokens(std::string_view phrase);
};

}  // namespace medsight

#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace medsight {

/// \brief How many letters of each script a text holds (decides the language of a sentence).
struct ScriptCounts {
  /// \brief Latin letters (A-Z, a-z and Latin-1/Extended letters).
  std::size_t latin = 0;
  /// \brief Han ideographs (CJK Unified Ideographs and extensions).
  std::size_t han = 0;
};

/// \brief Checks report text before analysis: strict UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), a size cap, and non-empty content.
class TextInput {
 public:
  /// \brief Default cap on one document: 32 MiB (a 10 MB report is accepted).
  static constexpr std::size_t kDefaultMaxBytes = std::size_t{32} << 20;

  /// \brief Byte offset of the first invalid UTF-8 sequence, or npos when the text is valid.
  static std::size_t firstInvalidUtf8(std::string_view text);

  /// \brief Throws UnsupportedFormat ("name: invalid UTF-8 at byte N"), TooLarge (over
  /// `maxBytes`) or EmptyInput (nothing but whitespace) naming `inputName`.
  static void require(std::string_view text, const std::string& inputName,
                      std::size_t maxBytes = kDefaultMaxBytes);

  /// \brief Counts Latin and Han letters of valid UTF-8 text.
  static ScriptCounts countScripts(std::string_view text);

  /// \brief Decodes one code point at `pos` of valid UTF-8 and advances `pos`.
  static char32_t decode(std::string_view text, std::size_t& pos);

  /// \brief True for Han ideographs.
  static bool isHan(char32_t c);
};

}  // namespace medsight

#include "language/TextInput.h"

#include "core/Error.h"

namespace medsight {

std::size_t TextInput::firstInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return i;  // continuation byte, C0/C1 overlong lead, or F5..FF
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

void TextInput::require(std::string_view text, const std::string& inputName, std::size_t maxBytes) {
  if (text.size() > maxBytes) {
    throw Error(ErrorCode::TooLarge, inputName + ": " + std::to_string(text.size()) +
                                         " bytes exceeds the limit of " + std::to_string(maxBytes) +
                                         " bytes for one document");
  }
  const std::size_t bad = firstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    throw Error(ErrorCode::UnsupportedFormat,
                inputName + ": invalid UTF-8 at byte " + std::to_string(bad) +
                    " (report text must be UTF-8; convert GB18030/Latin-1 first)");
  }
  bool blank = true;
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
      blank = false;
      break;
    }
  }
  if (blank) throw Error(ErrorCode::EmptyInput, inputName + ": text is empty");
}

char32_t TextInput::decode(std::string_view text, std::size_t& pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) {
    ++pos;
    return c;
  }
  std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < len && pos + k < text.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
  }
  pos += len;
  return cp;
}

bool TextInput::isHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2EBEF) || (c >= 0xF900 && c <= 0xFAFF);
}

ScriptCounts TextInput::countScripts(std::string_view text) {
  ScriptCounts counts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = decode(text, pos);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7)) {
      ++counts.latin;
    } else if (isHan(c)) {
      ++counts.han;
    }
  }
  return counts;
}

}  // namespace medsight

#include "language/WordTokenizer.h"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <memory>

#include "core/Error.h"
#include "language/TextInput.h"

namespace medsight {
namespace {

/// One ICU word iterator per thread: BreakIterator is not thread-safe, and creating one costs
/// far more than tokenizing a sentence.
icu::BreakIterator& threadWordIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> iterator;
  if (!iterator) {
    UErrorCode status = U_ZERO_ERROR;
    iterator.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !iterator) {
      throw Error(ErrorCode::Unavailable,
                  std::string("ICU word break iterator: ") + u_errorName(status));
    }
  }
  return *iterator;
}

void foldCase(std::string_view in, std::string& out) {
  bool ascii = true;
  for (const char c : in) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    out.assign(in);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return;
  }
  out.clear();
  icu::UnicodeString::fromUTF8(icu::StringPiece(in.data(), static_cast<int32_t>(in.size())))
      .foldCase()
      .toUTF8String(out);
}

bool isSpace(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = TextInput::decode(s, pos);
    const bool space = cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x3000 ||
                       (cp >= 0x2000 && cp <= 0x200B);
    if (!space) return false;
  }
  return true;
}

}  // namespace

void WordTokenizer::tokenize(std::string_view text, std::uint32_t offset, std::vector<Token>& out) {
  if (text.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  std::unique_ptr<UText, decltype(&utext_close)> guard(ut, &utext_close);
  icu::BreakIterator& it = threadWordIterator();
  it.setText(ut, status);
  if (U_FAILURE(status)) {
    throw Error(ErrorCode::Internal, std::string("ICU word break: ") + u_errorName(status));
  }
  int32_t start = it.first();
  for (int32_t stop = it.next(); stop != icu::BreakIterator::DONE; start = stop, stop = it.next()) {
    const int32_t rule = it.getRuleStatus();
    const std::string_view piece = text.substr(start, stop - start);
    if (rule >= UBRK_WORD_IDEO && rule < UBRK_WORD_IDEO_LIMIT) {
      std::size_t pos = 0;
      while (pos < piece.size()) {
        const std::size_t b = pos;
        const char32_t cp = TextInput::decode(piece, pos);
        Token t;
        t.text.assign(piece.substr(b, pos - b));
        t.begin = offset + static_cast<std::uint32_t>(start + b);
        t.end = offset + static_cast<std::uint32_t>(start + pos);
        t.kind = TextInput::isHan(cp) ? TokenKind::Han : TokenKind::Word;
        out.push_back(std::move(t));
      }
      continue;
    }
    if (rule < UBRK_WORD_NONE_LIMIT && isSpace(piece)) continue;
    Token t;
    foldCase(piece, t.text);
    t.begin = offset + static_cast<std::uint32_t>(start);
    t.end = offset + static_cast<std::uint32_t>(stop);
    if (rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT) {
      t.kind = TokenKind::Number;
    } else if (rule >= UBRK_WORD_LETTER) {
      t.kind = TokenKind::Word;
    } else {
      t.kind = TokenKind::Punctuation;
    }
    out.push_back(std::move(t));
  }
}

std::vector<std::string> WordTokenizer::phraseTokens(std::string_view phrase) {
  std::vector<Token> tokens;
  tokenize(phrase, 0, tokens);
  std::vector<std::string> texts;
  texts.reserve(tokens.size());
  for (auto& t : tokens) texts.push_back(std::move(t.text));
  return texts;
}

}  // namespace medsight

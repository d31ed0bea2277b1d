#include "language/SentenceSegmenter.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <memory>
#include <string>

#include "core/Error.h"

namespace medsight {
namespace {

icu::BreakIterator& threadSentenceIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> iterator;
  if (!iterator) {
    UErrorCode status = U_ZERO_ERROR;
    iterator.reset(
        icu::BreakIterator::createSentenceInstance(icu::Locale("en@ss=standard"), status));
    if (U_FAILURE(status) || !iterator) {
      throw Error(ErrorCode::Unavailable,
                  std::string("ICU sentence break iterator: ") + u_errorName(status));
    }
  }
  return *iterator;
}

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/// Adds [b, e) trimmed of ASCII whitespace, cut into pieces of at most `limit` bytes.
void addTrimmed(std::string_view text, std::uint32_t b, std::uint32_t e, std::uint32_t limit,
                std::vector<TextSpan>& out) {
  while (b < e && isBlank(text[b])) ++b;
  while (e > b && isBlank(text[e - 1])) --e;
  while (e - b > limit) {
    std::uint32_t cut = b + limit;
    while (cut > b && text[cut] != ' ') --cut;
    if (cut == b) {
      cut = b + limit;  // no space: cut at a code point boundary
      while (cut > b && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    }
    out.push_back({b, cut});
    b = cut;
    while (b < e && isBlank(text[b])) ++b;
  }
  if (e > b) out.push_back({b, e});
}

}  // namespace

std::vector<TextSpan> SentenceSegmenter::split(std::string_view text,
                                               std::uint32_t maxSentenceBytes) {
  // Same-length copy in which a lone line break becomes a space; blank lines stay breaks.
  std::string unwrapped(text);
  for (std::size_t i = 0; i < unwrapped.size(); ++i) {
    if (unwrapped[i] != '\n') continue;
    const bool blankBefore = i > 0 && (unwrapped[i - 1] == '\n' ||
                                       (unwrapped[i - 1] == '\r' && i > 1 && text[i - 2] == '\n'));
    const bool blankAfter = i + 1 < text.size() &&
                            (text[i + 1] == '\n' ||
                             (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n'));
    if (!blankBefore && !blankAfter) {
      unwrapped[i] = ' ';
      if (i > 0 && unwrapped[i - 1] == '\r') unwrapped[i - 1] = ' ';
    }
  }
  std::vector<TextSpan> spans;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut =
      utext_openUTF8(nullptr, unwrapped.data(), static_cast<int64_t>(unwrapped.size()), &status);
  std::unique_ptr<UText, decltype(&utext_close)> guard(ut, &utext_close);
  icu::BreakIterator& it = threadSentenceIterator();
  it.setText(ut, status);
  if (U_FAILURE(status)) {
    throw Error(ErrorCode::Internal, std::string("ICU sentence break: ") + u_errorName(status));
  }
  int32_t start = it.first();
  for (int32_t stop = it.next(); stop != icu::BreakIterator::DONE; start = stop, stop = it.next()) {
    addTrimmed(text, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(stop),
               maxSentenceBytes, spans);
  }
  return spans;
}

}  // namespace medsight

#include "privacy/IdentifierScrubber.h"

#include <algorithm>

namespace medsight {
namespace {

char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::size_t findFolded(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (needle.empty() || haystack.size() < needle.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lowerAscii(haystack[i + k]) == lowerAscii(needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string()
                                         : std::string(text.substr(first, last - first + 1));
}

}  // namespace

void IdentifierScrubber::addOne(std::string value, std::size_t minimumLength) {
  value = trim(value);
  if (value.size() < minimumLength) return;
  if (std::find(identifiers_.begin(), identifiers_.end(), value) != identifiers_.end()) return;
  identifiers_.push_back(std::move(value));
  // Longest first, so "Wang^XiaoDong" is replaced before its part "Wang".
  std::stable_sort(identifiers_.begin(), identifiers_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void IdentifierScrubber::addIdentifier(std::string_view value, bool isPersonName,
                                       std::size_t minimumLength) {
  std::size_t start = 0;
  for (;;) {  // multi-valued attributes
    const auto sep = value.find('\\', start);
    const auto one = value.substr(start, sep == std::string_view::npos ? value.npos : sep - start);
    addOne(std::string(one), minimumLength);
    if (isPersonName) {
      std::string part;
      for (char c : one) {
        if (c == '^' || c == '=' || c == ' ' || c == ',') {
          addOne(part, minimumLength);
          part.clear();
        } else {
          part.push_back(c);
        }
      }
      addOne(part, minimumLength);
    }
    if (sep == std::string_view::npos) break;
    start = sep + 1;
  }
}

std::string IdentifierScrubber::scrub(std::string_view text) const {
  std::string out(text);
  for (const auto& id : identifiers_) {
    std::size_t pos = 0;
    while ((pos = findFolded(out, id, pos)) != std::string::npos) {
      out.replace(pos, id.size(), "*");
      pos += 1;
    }
  }
  return out;
}

bool IdentifierScrubber::containsIdentifier(std::string_view text) const {
  for (const auto& id : identifiers_) {
    if (findFolded(text, id, 0) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace medsight

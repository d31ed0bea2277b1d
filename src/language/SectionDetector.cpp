#include "language/SectionDetector.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>

#include "core/Error.h"
#include "language/LexiconFile.h"

namespace medsight {

struct SectionDetector::Compiled {
  std::unique_ptr<RE2> known;
  std::unique_ptr<RE2> capitals;
  std::map<std::string, SectionHeading> byHeading;  // lower-case heading -> defaults
};

namespace {

std::string lowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string collapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

SectionDetector::SectionDetector(const std::filesystem::path& path)
    : compiled_(std::make_unique<Compiled>()) {
  std::vector<std::string> english;
  std::vector<std::string> chinese;
  LexiconFile::forEachRow(path, 5, [&](const std::vector<std::string>& c, const std::string& w) {
    SectionHeading h;
    h.section = c[2];
    if (c[3] == "historical") {
      h.temporality = Temporality::Historical;
    } else if (c[3] == "hypothetical") {
      h.temporality = Temporality::Hypothetical;
    } else if (c[3] != "recent") {
      throw Error(ErrorCode::InvalidConfiguration, w + ": unknown temporality '" + c[3] + "'");
    }
    if (c[4] == "other") {
      h.experiencer = Experiencer::Other;
    } else if (c[4] != "patient") {
      throw Error(ErrorCode::InvalidConfiguration, w + ": unknown experiencer '" + c[4] + "'");
    }
    const std::string key = lowerAscii(collapseSpaces(c[0]));
    compiled_->byHeading[key] = h;
    std::string pattern;
    for (std::size_t i = 0; i < key.size();) {
      if (key[i] == ' ') {
        pattern += "\\s+";
        ++i;
        continue;
      }
      std::size_t j = key.find(' ', i);
      if (j == std::string::npos) j = key.size();
      pattern += RE2::QuoteMeta(key.substr(i, j - i));
      i = j;
    }
    (c[1] == "zh" ? chinese : english).push_back(pattern);
  });
  auto join = [](std::vector<std::string> items) {
    // Longest first so "past medical history" wins over "history" at the same position.
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : "|") + s;
    return out;
  };
  std::string pattern = "(?i)(?:\\b(" + join(english) + ")";
  if (!chinese.empty()) pattern += "|(" + join(chinese) + ")";
  pattern += ")[ \\t]*(?::|：)";
  RE2::Options options;
  options.set_log_errors(false);
  compiled_->known = std::make_unique<RE2>(pattern, options);
  // An unknown heading: an all-capitals label of 2-60 characters before a colon.
  compiled_->capitals =
      std::make_unique<RE2>("\\b([A-Z][A-Z0-9/&()' -]{0,58}[A-Z)])[ \\t]*:", options);
  if (!compiled_->known->ok() || !compiled_->capitals->ok()) {
    throw Error(ErrorCode::InvalidConfiguration,
                path.string() + ": headings do not compile: " + compiled_->known->error());
  }
}

SectionDetector::~SectionDetector() = default;
SectionDetector::SectionDetector(SectionDetector&&) noexcept = default;
SectionDetector& SectionDetector::operator=(SectionDetector&&) noexcept = default;

std::vector<SectionHeading> SectionDetector::find(std::string_view text) const {
  std::vector<SectionHeading> headings;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece groups[3];
  std::size_t pos = 0;
  while (pos < text.size() &&
         compiled_->known->Match(input, pos, text.size(), RE2::UNANCHORED, groups, 3)) {
    const re2::StringPiece whole = groups[0];
    const re2::StringPiece name = groups[1].data() != nullptr ? groups[1] : groups[2];
    const auto it =
        compiled_->byHeading.find(lowerAscii(collapseSpaces({name.data(), name.size()})));
    SectionHeading h = it != compiled_->byHeading.end() ? it->second : SectionHeading{};
    if (it == compiled_->byHeading.end()) h.section = "other";
    h.span = {static_cast<std::uint32_t>(whole.data() - text.data()),
              static_cast<std::uint32_t>(whole.data() - text.data() + whole.size())};
    headings.push_back(h);
    pos = h.span.end > pos ? h.span.end : pos + 1;
  }
  pos = 0;
  std::vector<SectionHeading> capitals;
  re2::StringPiece whole;
  // Unknown capitals labels only end the previous section; known headings take precedence.
  while (pos < text.size() &&
         compiled_->capitals->Match(input, pos, text.size(), RE2::UNANCHORED, &whole, 1)) {
    SectionHeading h;
    h.section = "other";
    h.span = {static_cast<std::uint32_t>(whole.data() - text.data()),
              static_cast<std::uint32_t>(whole.data() - text.data() + whole.size())};
    pos = h.span.end;
    bool overlapsKnown = false;
    for (auto& k : headings) {
      if (k.span.begin < h.span.end && h.span.begin < k.span.end) {
        // A known heading inside a longer capitals label ("HPI/HOSPITAL COURSE:") keeps its
        // meaning; the whole label is masked from trigger matching.
        k.span.begin = std::min(k.span.begin, h.span.begin);
        k.span.end = std::max(k.span.end, h.span.end);
        overlapsKnown = true;
      }
    }
    if (!overlapsKnown) capitals.push_back(h);
  }
  headings.insert(headings.end(), capitals.begin(), capitals.end());
  std::sort(headings.begin(), headings.end(),
            [](const auto& a, const auto& b) { return a.span.begin < b.span.begin; });
  return headings;
}

}  // namespace medsight

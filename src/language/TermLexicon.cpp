#include "language/TermLexicon.h"

#include <algorithm>

#include "core/Error.h"
#include "language/LexiconFile.h"
#include "language/TriggerLexicon.h"

namespace medsight {
namespace {

std::uint8_t languageBit(const std::string& s, const std::string& where) {
  if (s == "en") return kEnglishBit;
  if (s == "zh") return kChineseBit;
  throw Error(ErrorCode::InvalidConfiguration, where + ": unknown language '" + s + "'");
}

}  // namespace

void TermLexicon::add(const std::string& term, TermSense sense, const std::string& where) {
  const std::uint32_t id = matcher_.add(WordTokenizer::phraseTokens(term), where);
  if (id >= senses_.size()) senses_.resize(id + 1);
  if (!hasValue(sense.value)) values_.push_back(sense.value);
  senses_[id].push_back(std::move(sense));
}

bool TermLexicon::hasValue(const std::string& value) const {
  return std::find(values_.begin(), values_.end(), value) != values_.end();
}

TermLexicon TermLexicon::loadConcepts(const std::filesystem::path& path) {
  TermLexicon lexicon;
  LexiconFile::forEachRow(path, 3, [&](const std::vector<std::string>& c, const std::string& w) {
    lexicon.add(c[2], TermSense{"concept", c[0], languageBit(c[1], w)}, w);
  });
  if (lexicon.values_.empty()) {
    throw Error(ErrorCode::InvalidConfiguration, path.string() + ": no concepts");
  }
  return lexicon;
}

TermLexicon TermLexicon::loadAnatomy(const std::filesystem::path& path) {
  TermLexicon lexicon;
  LexiconFile::forEachRow(path, 4, [&](const std::vector<std::string>& c, const std::string& w) {
    if (c[0] != "laterality" && c[0] != "location") {
      throw Error(ErrorCode::InvalidConfiguration,
                  w + ": kind must be laterality or location, not '" + c[0] + "'");
    }
    lexicon.add(c[3], TermSense{c[0], c[1], languageBit(c[2], w)}, w);
  });
  return lexicon;
}

}  // namespace medsight

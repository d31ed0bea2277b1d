#include "language/FindingExtractor.h"

#include <algorithm>

#include "core/Error.h"
#include "language/LanguageDataDirectory.h"
#include "language/TextInput.h"
#include "language/WordTokenizer.h"

namespace medsight {

struct FindingExtractor::Document {
  struct Segment {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    ContextDefaults defaults;
    std::string section;
  };
  struct Sentence {
    TextSpan span;
    std::uint8_t languages = kEnglishBit;
    std::vector<Token> tokens;
    std::vector<std::uint32_t> wordIndex;
    std::vector<std::uint32_t> triggerIds;
    std::vector<Segment> segments;
  };
  std::vector<SectionHeading> headings;
  std::vector<Sentence> sentences;
};

namespace {

bool hasAsciiLetter(const std::string& s) {
  for (const char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

std::uint8_t sentenceLanguages(const std::vector<Token>& tokens, TextLanguage forced) {
  if (forced == TextLanguage::English) return kEnglishBit;
  if (forced == TextLanguage::Chinese) return kChineseBit;
  std::uint8_t bits = 0;
  for (const auto& t : tokens) {
    if (t.kind == TokenKind::Han) {
      bits |= kChineseBit;
    } else if (t.kind == TokenKind::Word && hasAsciiLetter(t.text)) {
      bits |= kEnglishBit;
    } else if (t.kind == TokenKind::Punctuation && static_cast<unsigned char>(t.text[0]) >= 0x80) {
      bits = static_cast<std::uint8_t>(
          bits | kChineseBit);  // full-width punctuation (，；：) belongs to Chinese text
    }
  }
  return bits == 0 ? static_cast<std::uint8_t>(kEnglishBit) : bits;
}

/// Nearest anatomy term of `kind` within `window` words of the finding, not crossing a clause
/// mark; before the finding wins a tie (English "right lower lobe consolidation", Chinese
/// "右肺下叶实变" put it first).
const TermSense* nearestAnatomy(const std::vector<PhraseMatcher::Match>& matches,
                                const TermLexicon& anatomy, const std::vector<Token>& tokens,
                                const std::vector<std::uint32_t>& wordIndex, std::uint32_t first,
                                std::uint32_t last, const std::string& kind,
                                std::uint8_t languages) {
  constexpr std::uint32_t kWindow = 5;
  auto clauseBreak = [&](std::uint32_t a, std::uint32_t b) {
    for (std::uint32_t i = a; i < b; ++i) {
      const auto& t = tokens[i].text;
      if (t == "," || t == ";" || t == "，" || t == "；" || t == "、" || t == "." || t == "。")
        return true;
    }
    return false;
  };
  const TermSense* best = nullptr;
  std::uint32_t bestDistance = kWindow + 1;
  for (const auto& m : matches) {
    const TermSense* sense = nullptr;
    for (const auto& s : anatomy.senses(m.phrase)) {
      if (s.kind == kind && (s.language & languages) != 0) {
        sense = &s;
        break;
      }
    }
    if (sense == nullptr) continue;
    // The distance is checked before the clause scan, which would otherwise walk the tokens
    // to every anatomy term of the segment for every finding (a run-on text of repeated terms
    // took seconds per kilobyte).
    std::uint32_t distance = 0;
    if (m.last <= first) {
      distance = wordIndex[first] - wordIndex[m.last];
      if (distance >= bestDistance || clauseBreak(m.last, first)) continue;
    } else if (m.first >= last) {
      distance = wordIndex[m.first] - wordIndex[last] + 1;  // +1: before wins a tie
      if (distance >= bestDistance || clauseBreak(last, m.first)) continue;
    } else {
      distance = 0;  // inside the finding's own words ("left lower lobe pneumonia")
    }
    if (distance < bestDistance) {
      bestDistance = distance;
      best = sense;
    }
  }
  return best;
}

/// Trigger hits of a segment outside the findings' own words, so that a trigger phrase can
/// never swallow the start of a finding ("no acute" + "acute fracture").
void triggersAround(const ContextAnalyzer& analyzer, const std::vector<std::uint32_t>& ids,
                    std::uint32_t first, std::uint32_t last,
                    const std::vector<PhraseMatcher::Match>& findings, std::uint8_t languages,
                    std::vector<TriggerHit>& hits) {
  hits.clear();
  std::uint32_t from = first;
  for (const auto& f : findings) {
    if (f.first > from) analyzer.findTriggers(ids, from, f.first, languages, hits);
    from = std::max(from, f.last);
  }
  if (last > from) analyzer.findTriggers(ids, from, last, languages, hits);
}

}  // namespace

FindingExtractor::FindingExtractor(ContextAnalyzer analyzer, TermLexicon concepts,
                                   TermLexicon anatomy, SectionDetector sections)
    : analyzer_(std::make_unique<ContextAnalyzer>(std::move(analyzer))),
      concepts_(std::move(concepts)),
      anatomy_(std::move(anatomy)),
      sections_(std::move(sections)) {}

FindingExtractor FindingExtractor::load(const std::filesystem::path& folder) {
  return FindingExtractor(ContextAnalyzer(TriggerLexicon::load(folder / "triggers.tsv")),
                          TermLexicon::loadConcepts(folder / "concepts.tsv"),
                          TermLexicon::loadAnatomy(folder / "anatomy.tsv"),
                          SectionDetector(folder / "sections.tsv"));
}

FindingExtractor FindingExtractor::loadDefault() {
  return load(LanguageDataDirectory::locate());
}

void FindingExtractor::setTriggers(TriggerLexicon triggers) {
  analyzer_ = std::make_unique<ContextAnalyzer>(std::move(triggers));
}

FindingExtractor::Document FindingExtractor::analyse(std::string_view text,
                                                     TextLanguage language) const {
  Document doc;
  doc.headings = sections_.find(text);
  const auto spans = SentenceSegmenter::split(text);
  doc.sentences.reserve(spans.size());
  std::size_t nextHeading = 0;  // first heading not yet started
  const SectionHeading* current = nullptr;
  for (const auto& span : spans) {
    Document::Sentence s;
    s.span = span;
    WordTokenizer::tokenize(text.substr(span.begin, span.end - span.begin), span.begin, s.tokens);
    if (s.tokens.empty()) continue;
    s.languages = sentenceLanguages(s.tokens, language);
    s.wordIndex.resize(s.tokens.size() + 1);
    std::uint32_t words = 0;
    for (std::size_t i = 0; i < s.tokens.size(); ++i) {
      s.wordIndex[i] = words;
      if (s.tokens[i].kind != TokenKind::Punctuation) ++words;
    }
    s.wordIndex[s.tokens.size()] = words;
    analyzer_->lexicon().matcher().encode(s.tokens, s.triggerIds);
    // Headings split the sentence into segments; their own words are not triggers.
    Document::Segment segment;
    bool open = false;
    auto close = [&](std::uint32_t end) {
      if (!open) return;
      segment.last = end;
      s.segments.push_back(std::move(segment));
      segment = {};
      open = false;
    };
    for (std::uint32_t i = 0; i < s.tokens.size(); ++i) {
      const Token& t = s.tokens[i];
      while (nextHeading < doc.headings.size() && doc.headings[nextHeading].span.begin <= t.begin) {
        current = &doc.headings[nextHeading++];
      }
      const bool inHeading = current != nullptr && t.begin < current->span.end;
      if (inHeading) {
        close(i);
        continue;
      }
      if (!open) {
        open = true;
        segment.first = i;
        if (current != nullptr) {
          segment.defaults = {current->temporality, current->experiencer};
          segment.section = current->section;
        }
      }
    }
    close(static_cast<std::uint32_t>(s.tokens.size()));
    doc.sentences.push_back(std::move(s));
  }
  return doc;
}

ExtractionResult FindingExtractor::extract(std::string_view text,
                                           const ExtractionOptions& options) const {
  TextInput::require(text, options.inputName, options.maxBytes);
  const Document doc = analyse(text, options.language);
  ExtractionResult result;
  result.sentenceCount = doc.sentences.size();
  std::vector<std::uint32_t> conceptIds;
  std::vector<std::uint32_t> anatomyIds;
  std::vector<PhraseMatcher::Match> conceptMatches;
  std::vector<PhraseMatcher::Match> anatomyMatches;
  std::vector<TriggerHit> hits;
  for (std::size_t si = 0; si < doc.sentences.size(); ++si) {
    const auto& s = doc.sentences[si];
    if ((s.languages & kEnglishBit) != 0) ++result.englishSentences;
    if ((s.languages & kChineseBit) != 0) ++result.chineseSentences;
    concepts_.matcher().encode(s.tokens, conceptIds);
    anatomy_.matcher().encode(s.tokens, anatomyIds);
    for (const auto& seg : s.segments) {
      conceptMatches.clear();
      anatomyMatches.clear();
      concepts_.matcher().findAll(conceptIds, seg.first, seg.last, conceptMatches);
      if (conceptMatches.empty()) continue;
      anatomy_.matcher().findAll(anatomyIds, seg.first, seg.last, anatomyMatches);
      triggersAround(*analyzer_, s.triggerIds, seg.first, seg.last, conceptMatches, s.languages,
                     hits);
      for (const auto& m : conceptMatches) {
        const TermSense* sense = nullptr;
        for (const auto& candidate : concepts_.senses(m.phrase)) {
          if ((candidate.language & s.languages) != 0) {
            sense = &candidate;
            break;
          }
        }
        if (sense == nullptr) continue;
        const ContextJudgement j =
            analyzer_->judge(hits, m.first, m.last, s.wordIndex, s.languages, seg.defaults);
        FindingMention f;
        f.conceptId = sense->value;
        f.span = {s.tokens[m.first].begin, s.tokens[m.last - 1].end};
        f.text.assign(text.substr(f.span.begin, f.span.end - f.span.begin));
        f.sentence = si;
        f.section = seg.section;
        f.language = sense->language == kChineseBit ? "zh" : "en";
        f.assertion = j.assertion;
        f.temporality = j.temporality;
        f.experiencer = j.experiencer;
        f.evidence = j.evidence;
        if (const auto* side = nearestAnatomy(anatomyMatches, anatomy_, s.tokens, s.wordIndex,
                                              m.first, m.last, "laterality", s.languages)) {
          f.laterality = parseLaterality(side->value, "anatomy.tsv");
        }
        if (const auto* where = nearestAnatomy(anatomyMatches, anatomy_, s.tokens, s.wordIndex,
                                               m.first, m.last, "location", s.languages)) {
          f.location = where->value;
        }
        result.findings.push_back(std::move(f));
      }
    }
  }
  const ScriptCounts scripts = TextInput::countScripts(text);
  if (options.language == TextLanguage::English && scripts.han > 0) {
    result.warnings.push_back("text contains Chinese characters; --lang en ignores Chinese terms");
  } else if (options.language == TextLanguage::Chinese && scripts.latin > 0) {
    result.warnings.push_back("text contains Latin letters; --lang zh ignores English terms");
  } else if (options.language == TextLanguage::Auto && scripts.han > 0 && scripts.latin > 0) {
    result.warnings.push_back(
        "mixed English and Chinese text: each sentence uses the lexicons of the scripts in it");
  }
  return result;
}

TargetJudgement FindingExtractor::judgeTarget(std::string_view text, std::string_view target,
                                              TextLanguage language) const {
  TargetJudgement out;
  if (TextInput::firstInvalidUtf8(text) != std::string_view::npos ||
      TextInput::firstInvalidUtf8(target) != std::string_view::npos) {
    throw Error(ErrorCode::UnsupportedFormat, "target sentence: invalid UTF-8");
  }
  std::vector<std::string> wanted = WordTokenizer::phraseTokens(target);
  while (!wanted.empty() && wanted.back().size() == 1 && !std::isalnum(wanted.back()[0]))
    wanted.pop_back();
  if (wanted.empty()) return out;
  const Document doc = analyse(text, language);

  auto capitals = [&](const Document::Sentence& s, std::size_t first, std::size_t n) {
    const std::string_view raw =
        text.substr(s.tokens[first].begin, s.tokens[first + n - 1].end - s.tokens[first].begin);
    bool upper = false;
    for (const char c : raw) {
      if (c >= 'a' && c <= 'z') return false;
      if (c >= 'A' && c <= 'Z') upper = true;
    }
    return upper;
  };
  for (std::size_t n = wanted.size(); n > 0; --n) {
    const Document::Sentence* bestSentence = nullptr;
    std::uint32_t bestFirst = 0;
    bool bestCapitals = false;
    for (const auto& s : doc.sentences) {
      for (std::size_t i = 0; i + n <= s.tokens.size(); ++i) {
        bool same = true;
        for (std::size_t k = 0; k < n && same; ++k) same = s.tokens[i + k].text == wanted[k];
        if (!same) continue;
        const bool caps = capitals(s, i, n);
        if (bestSentence == nullptr || (caps && !bestCapitals)) {
          bestSentence = &s;
          bestFirst = static_cast<std::uint32_t>(i);
          bestCapitals = caps;
        }
      }
    }
    if (bestSentence == nullptr) continue;
    out.found = true;
    const auto last = static_cast<std::uint32_t>(bestFirst + n);
    for (const auto& seg : bestSentence->segments) {
      if (bestFirst >= seg.first && bestFirst < seg.last) {
        const PhraseMatcher::Match target{bestFirst, std::min(last, seg.last), 0};
        std::vector<TriggerHit> hits;
        triggersAround(*analyzer_, bestSentence->triggerIds, seg.first, seg.last, {target},
                       bestSentence->languages, hits);
        out.judgement = analyzer_->judge(hits, target.first, target.last, bestSentence->wordIndex,
                                         bestSentence->languages, seg.defaults);
        return out;
      }
    }
    // Inside a heading: only the heading's own defaults apply.
    for (const auto& h : doc.headings) {
      if (h.span.begin <= bestSentence->tokens[bestFirst].begin &&
          bestSentence->tokens[bestFirst].begin < h.span.end) {
        out.judgement.temporality = h.temporality;
        out.judgement.experiencer = h.experiencer;
      }
    }
    return out;
  }
  return out;
}

}  // namespace medsight

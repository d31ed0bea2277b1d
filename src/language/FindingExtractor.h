#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "language/ContextAnalyzer.h"
#include "language/FindingAttributes.h"
#include "language/SectionDetector.h"
#include "language/SentenceSegmenter.h"
#include "language/TermLexicon.h"

namespace medsight {

/// \brief One finding mentioned in report text, with its ConText properties.
struct FindingMention {
  /// \brief Concept id from concepts.tsv ("pneumonia", "effusion", ...).
  std::string conceptId;
  /// \brief The words as written.
  std::string text;
  /// \brief Bytes of `text` in the document.
  TextSpan span;
  /// \brief Index of the sentence in the document.
  std::size_t sentence = 0;
  /// \brief Section id ("findings", "impression", ...; "" before any heading).
  std::string section;
  /// \brief "en" or "zh": the lexicon that matched.
  std::string language;
  /// \brief Affirmed / negated / possible.
  Assertion assertion = Assertion::Affirmed;
  /// \brief Recent / historical / hypothetical.
  Temporality temporality = Temporality::Recent;
  /// \brief Patient / other.
  Experiencer experiencer = Experiencer::Patient;
  /// \brief Side, if stated near the finding.
  Laterality laterality = Laterality::Unspecified;
  /// \brief Location value from anatomy.tsv ("lower_lobe", ...), or "".
  std::string location;
  /// \brief Triggers that decided the properties ("negated:no").
  std::vector<std::string> evidence;
};

/// \brief Options of one extraction.
struct ExtractionOptions {
  /// \brief Auto decides per sentence from its script (mixed reports work); English or
  /// Chinese restricts lexicons to that language.
  TextLanguage language = TextLanguage::Auto;
  /// \brief Larger documents are refused with TooLarge.
  std::size_t maxBytes = std::size_t{32} << 20;
  /// \brief Name of the input in error messages ("report.txt", "text").
  std::string inputName = "text";
};

/// \brief What extraction found in one document.
struct ExtractionResult {
  /// \brief Findings in document order.
  std::vector<FindingMention> findings;
  /// \brief Number of sentences analysed.
  std::size_t sentenceCount = 0;
  /// \brief Sentences per language seen ("en", "zh").
  std::size_t englishSentences = 0;
  /// \brief Sentences in Chinese.
  std::size_t chineseSentences = 0;
  /// \brief Documented behaviours the caller should know about (ignored script, ...).
  std::vector<std::string> warnings;
};

/// \brief ConText verdict for an annotated target phrase (evaluation on ConText corpora).
struct TargetJudgement {
  /// \brief False when the phrase was not found (then defaults are returned).
  bool found = false;
  /// \brief The verdict.
  ContextJudgement judgement;
};

/// \brief Reads findings out of radiology text in English and Chinese: sections (RE2), ICU
/// sentences and words, concept terms (PhraseMatcher), ConText properties, laterality and
/// location. Lexicons come from data files (LanguageDataDirectory). Immutable after loading
/// and safe to share between threads.
class FindingExtractor {
 public:
  /// \brief Loads triggers.tsv, concepts.tsv, anatomy.tsv and sections.tsv from `folder`.
  static FindingExtractor load(const std::filesystem::path& folder);
  /// \brief Loads from LanguageDataDirectory::locate().
  static FindingExtractor loadDefault();

  /// \brief Replaces the trigger lexicon (e.g. with the published NegEx list).
  void setTriggers(TriggerLexicon triggers);

  /// \brief Validates and analyses a document. Throws EmptyInput, TooLarge or
  /// UnsupportedFormat (invalid UTF-8) naming `options.inputName`.
  ExtractionResult extract(std::string_view text, const ExtractionOptions& options = {}) const;

  /// \brief ConText verdict for the mention of `target` in `text` (the annotated condition of
  /// a ConText corpus row). Where the phrase occurs more than once, the occurrence written in
  /// capitals is preferred (the corpus marks the annotated mention that way); if the whole
  /// phrase is absent, its longest leading part that occurs is used.
  TargetJudgement judgeTarget(std::string_view text, std::string_view target,
                              TextLanguage language = TextLanguage::Auto) const;

  /// \brief Concept ids known to the lexicon.
  const std::vector<std::string>& concepts() const { return concepts_.values(); }

 private:
  FindingExtractor(ContextAnalyzer analyzer, TermLexicon concepts, TermLexicon anatomy,
                   SectionDetector sections);
  struct Document;
  Document analyse(std::string_view text, TextLanguage language) const;

  std::unique_ptr<ContextAnalyzer> analyzer_;
  TermLexicon concepts_;
  TermLexicon anatomy_;
  SectionDetector sections_;
};

}  // namespace medsight

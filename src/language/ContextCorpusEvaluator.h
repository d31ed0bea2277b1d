#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "language/FindingAttributes.h"

namespace medsight {

class FindingExtractor;

/// \brief One row of a ConText/NegEx evaluation corpus (context_dev.tsv layout: line number,
/// condition, sentence, negation status, temporality, experiencer).
struct AnnotatedSentence {
  /// \brief The corpus's own line number column.
  std::string id;
  /// \brief Annotated condition phrase.
  std::string condition;
  /// \brief Sentence (with its preceding report context, as the corpus gives it).
  std::string sentence;
  /// \brief Gold negation: Negated or Affirmed (Possible is read as Affirmed: NegEx corpora
  /// annotate negation only).
  Assertion negation = Assertion::Affirmed;
  /// \brief Gold temporality ("Not particular" = hypothetical).
  Temporality temporality = Temporality::Recent;
  /// \brief Gold experiencer ("Family member" = other).
  Experiencer experiencer = Experiencer::Patient;
};

/// \brief Precision, recall and F1 of the "negated" class, and accuracies, over a corpus.
struct ContextEvaluationReport {
  /// \brief Rows evaluated.
  std::size_t rows = 0;
  /// \brief Rows whose condition phrase was found in the sentence.
  std::size_t conditionsFound = 0;
  /// \brief Negated predicted and gold.
  std::size_t truePositive = 0;
  /// \brief Negated predicted, gold affirmed.
  std::size_t falsePositive = 0;
  /// \brief Gold negated, not predicted.
  std::size_t falseNegative = 0;
  /// \brief Predicted "possible" (scored as not negated).
  std::size_t possible = 0;
  /// \brief Temporality matches.
  std::size_t temporalityCorrect = 0;
  /// \brief Experiencer matches.
  std::size_t experiencerCorrect = 0;
  /// \brief confusion[gold][predicted] for Recent, Historical, Hypothetical.
  std::array<std::array<std::size_t, 3>, 3> temporalityConfusion{};
  /// \brief Mismatched rows (id, field, gold, predicted, evidence), up to the requested count.
  std::vector<nlohmann::json> errors;

  /// \brief Negation precision; NaN when nothing was predicted negated.
  double negationPrecision() const;
  /// \brief Negation recall; NaN when no gold sentence is negated.
  double negationRecall() const;
  /// \brief Negation F1; NaN when nothing was predicted or expected negated.
  double negationF1() const;
  /// \brief Fraction of rows with the right temporality; NaN for no rows.
  double temporalityAccuracy() const;
  /// \brief Fraction of rows with the right experiencer; NaN for no rows.
  double experiencerAccuracy() const;
  /// \brief All figures as JSON (an undefined figure is null).
  nlohmann::json toJson() const;
};

/// \brief Reads ConText/NegEx corpora and scores FindingExtractor::judgeTarget on them.
class ContextCorpusEvaluator {
 public:
  /// \brief Reads a corpus TSV with a header line; throws FileNotFound, UnsupportedFormat
  /// (invalid UTF-8) or CorruptData naming file and line.
  static std::vector<AnnotatedSentence> read(const std::filesystem::path& path);

  /// \brief Scores `rows` using `threads` worker threads (1 = calling thread only); keeps up
  /// to `maxErrors` mismatches in the report.
  static ContextEvaluationReport evaluate(const FindingExtractor& extractor,
                                          const std::vector<AnnotatedSentence>& rows,
                                          unsigned threads = 1, std::size_t maxErrors = 0);
};

}  // namespace medsight

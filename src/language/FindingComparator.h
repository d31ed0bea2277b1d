#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "language/FindingExtractor.h"

namespace medsight {

/// \brief One AI output for a study: a concept, its probability and the operating threshold.
struct AiFinding {
  /// \brief Concept id as in concepts.tsv ("pneumonia").
  std::string conceptId;
  /// \brief Model probability in [0, 1].
  double probability = 0.0;
  /// \brief Decision threshold in (0, 1); probability >= threshold means "present".
  double threshold = 0.5;
};

/// \brief What the doctor's text says about a concept (patient, not hypothetical).
enum class TextStatus { Affirmed, Possible, Negated, HistoricalOnly, NotMentioned };

/// \brief Outcome of comparing the AI with the text for one concept.
enum class AgreementVerdict {
  AgreePresent,  ///< AI positive, text affirms.
  AgreeAbsent,   ///< AI negative, text negates or does not mention.
  Disagree,      ///< AI positive but text negates, or AI negative but text affirms.
  Uncertain,     ///< The text states the finding as possible.
  Unaddressed,   ///< AI positive, text silent (or only historical).
  TextOnly       ///< Mentioned in text, not assessed by the AI.
};

/// \brief One concept's comparison, with the words that decided it.
struct ConceptComparison {
  /// \brief Concept id.
  std::string conceptId;
  /// \brief The AI output, if the AI assessed this concept.
  std::optional<AiFinding> ai;
  /// \brief What the text says.
  TextStatus text = TextStatus::NotMentioned;
  /// \brief The verdict.
  AgreementVerdict verdict = AgreementVerdict::AgreeAbsent;
  /// \brief The deciding mention as written ("no consolidation"), or "".
  std::string evidence;
  /// \brief Whether a reviewer should look at it (Disagree, Uncertain, Unaddressed).
  bool needsReview = false;
};

/// \brief Result of comparing a study's AI findings with the doctor's text.
struct ComparisonReport {
  /// \brief One entry per concept (AI concepts first, then text-only ones).
  std::vector<ConceptComparison> concepts;
  /// \brief Number of Disagree verdicts.
  std::size_t disagreements = 0;
  /// \brief Number of entries needing review.
  std::size_t needsReview = 0;
  /// \brief JSON form for the server and the CLI.
  nlohmann::json toJson() const;
};

/// \brief Flags AI–doctor disagreement for quality review: extracts findings from the doctor's
/// text and compares their assertion with each AI probability at its threshold.
class FindingComparator {
 public:
  /// \brief Uses `extractor` (kept by reference; must outlive the comparator).
  explicit FindingComparator(const FindingExtractor& extractor) : extractor_(extractor) {}

  /// \brief Compares; throws InvalidArgument for unknown concepts or probabilities/thresholds
  /// out of range, and what FindingExtractor::extract throws for bad text.
  ComparisonReport compare(const std::vector<AiFinding>& ai, std::string_view doctorText,
                           const ExtractionOptions& options = {}) const;

  /// \brief Reads AI findings from JSON: an array or {"findings": [...]} of
  /// {"concept", "probability", "threshold"}; throws BadJson naming `inputName`.
  static std::vector<AiFinding> parseAiFindings(const nlohmann::json& json,
                                                const std::string& inputName);

 private:
  const FindingExtractor& extractor_;
};

/// \brief Lower-case name of a text status ("negated", "not_mentioned", ...).
std::string_view toString(TextStatus value);
/// \brief Lower-case name of a verdict ("disagree", "agree_present", ...).
std::string_view toString(AgreementVerdict value);

}  // namespace medsight

#include "language/ContextCorpusEvaluator.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "language/FindingExtractor.h"
#include "language/TextInput.h"

namespace medsight {
namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

/// A ratio with an empty denominator is undefined, not perfect: a corpus with no negated
/// sentence (or a model that never says "negated") has no precision to report.
double ratio(std::size_t a, std::size_t b) {
  return b == 0 ? std::numeric_limits<double>::quiet_NaN() : double(a) / double(b);
}

/// JSON has no NaN: an undefined figure is null.
nlohmann::json figure(double v) {
  return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

}  // namespace

double ContextEvaluationReport::negationPrecision() const {
  return ratio(truePositive, truePositive + falsePositive);
}
double ContextEvaluationReport::negationRecall() const {
  return ratio(truePositive, truePositive + falseNegative);
}
double ContextEvaluationReport::negationF1() const {
  // F1 = 2 tp / (2 tp + fp + fn): defined whenever anything was predicted or expected negated.
  return ratio(2 * truePositive, 2 * truePositive + falsePositive + falseNegative);
}
double ContextEvaluationReport::temporalityAccuracy() const {
  return ratio(temporalityCorrect, rows);
}
double ContextEvaluationReport::experiencerAccuracy() const {
  return ratio(experiencerCorrect, rows);
}

nlohmann::json ContextEvaluationReport::toJson() const {
  nlohmann::json confusion = nlohmann::json::object();
  const char* names[] = {"recent", "historical", "hypothetical"};
  for (int g = 0; g < 3; ++g) {
    for (int p = 0; p < 3; ++p) confusion[names[g]][names[p]] = temporalityConfusion[g][p];
  }
  return {{"rows", rows},
          {"conditions_found", conditionsFound},
          {"negation",
           {{"precision", figure(negationPrecision())},
            {"recall", figure(negationRecall())},
            {"f1", figure(negationF1())},
            {"true_positive", truePositive},
            {"false_positive", falsePositive},
            {"false_negative", falseNegative},
            {"predicted_possible", possible}}},
          {"temporality", {{"accuracy", figure(temporalityAccuracy())}, {"confusion", confusion}}},
          {"experiencer", {{"accuracy", figure(experiencerAccuracy())}}},
          {"errors", errors}};
}

std::vector<AnnotatedSentence> ContextCorpusEvaluator::read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": corpus file not found");
  std::vector<AnnotatedSentence> rows;
  std::string line;
  std::size_t lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    const std::string where = path.string() + ":" + std::to_string(lineNumber);
    if (TextInput::firstInvalidUtf8(line) != std::string::npos) {
      throw Error(ErrorCode::UnsupportedFormat, where + ": invalid UTF-8");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cols.push_back(cell);
    if (lineNumber == 1 && cols.size() >= 3 && lower(cols[1]) == "condition") continue;  // header
    if (cols.size() < 6) {
      throw Error(ErrorCode::CorruptData, where +
                                              ": expected 6 tab-separated columns (id, "
                                              "condition, sentence, negation, temporality, "
                                              "experiencer), got " +
                                              std::to_string(cols.size()));
    }
    AnnotatedSentence row;
    row.id = cols[0];
    row.condition = cols[1];
    row.sentence = cols[2];
    const std::string neg = lower(cols[3]), tmp = lower(cols[4]), exp = lower(cols[5]);
    if (neg == "negated") {
      row.negation = Assertion::Negated;
    } else if (neg != "affirmed" && neg != "possible") {
      throw Error(ErrorCode::CorruptData, where + ": unknown negation status '" + cols[3] + "'");
    }
    if (tmp == "historical") {
      row.temporality = Temporality::Historical;
    } else if (tmp == "not particular" || tmp == "hypothetical") {
      row.temporality = Temporality::Hypothetical;
    } else if (tmp != "recent") {
      throw Error(ErrorCode::CorruptData, where + ": unknown temporality '" + cols[4] + "'");
    }
    if (exp == "other" || exp == "family member") {
      row.experiencer = Experiencer::Other;
    } else if (exp != "patient") {
      throw Error(ErrorCode::CorruptData, where + ": unknown experiencer '" + cols[5] + "'");
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw Error(ErrorCode::EmptyInput, path.string() + ": no annotated rows");
  return rows;
}

ContextEvaluationReport ContextCorpusEvaluator::evaluate(const FindingExtractor& extractor,
                                                         const std::vector<AnnotatedSentence>& rows,
                                                         unsigned threads, std::size_t maxErrors) {
  std::vector<TargetJudgement> verdicts(rows.size());
  threads = std::max(1u, threads);
  auto work = [&](std::size_t begin, std::size_t step) {
    for (std::size_t i = begin; i < rows.size(); i += step) {
      verdicts[i] = extractor.judgeTarget(rows[i].sentence, rows[i].condition);
    }
  };
  if (threads == 1) {
    work(0, 1);
  } else {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t, threads);
  }
  ContextEvaluationReport report;
  report.rows = rows.size();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& gold = rows[i];
    const auto& v = verdicts[i];
    if (v.found) ++report.conditionsFound;
    const auto& j = v.judgement;
    const bool predictedNegated = j.assertion == Assertion::Negated;
    const bool goldNegated = gold.negation == Assertion::Negated;
    if (j.assertion == Assertion::Possible) ++report.possible;
    if (predictedNegated && goldNegated) ++report.truePositive;
    if (predictedNegated && !goldNegated) ++report.falsePositive;
    if (!predictedNegated && goldNegated) ++report.falseNegative;
    if (j.temporality == gold.temporality) ++report.temporalityCorrect;
    if (j.experiencer == gold.experiencer) ++report.experiencerCorrect;
    ++report.temporalityConfusion[static_cast<int>(gold.temporality)]
                                 [static_cast<int>(j.temporality)];
    auto addError = [&](const char* field, std::string_view goldValue, std::string_view predicted) {
      if (report.errors.size() >= maxErrors) return;
      report.errors.push_back({{"id", gold.id},
                               {"field", field},
                               {"gold", goldValue},
                               {"predicted", predicted},
                               {"condition", gold.condition},
                               {"evidence", j.evidence},
                               {"sentence", gold.sentence.substr(0, 400)}});
    };
    if (predictedNegated != goldNegated) {
      addError("negation", goldNegated ? "negated" : "affirmed", toString(j.assertion));
    }
    if (j.temporality != gold.temporality) {
      addError("temporality", toString(gold.temporality), toString(j.temporality));
    }
    if (j.experiencer != gold.experiencer) {
      addError("experiencer", toString(gold.experiencer), toString(j.experiencer));
    }
  }
  return report;
}

}  // namespace medsight

#include "language/FindingComparator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/Error.h"

namespace medsight {

std::string_view toString(TextStatus value) {
  switch (value) {
    case TextStatus::Affirmed:
      return "affirmed";
    case TextStatus::Possible:
      return "possible";
    case TextStatus::Negated:
      return "negated";
    case TextStatus::HistoricalOnly:
      return "historical_only";
    case TextStatus::NotMentioned:
      return "not_mentioned";
  }
  return "not_mentioned";
}

std::string_view toString(AgreementVerdict value) {
  switch (value) {
    case AgreementVerdict::AgreePresent:
      return "agree_present";
    case AgreementVerdict::AgreeAbsent:
      return "agree_absent";
    case AgreementVerdict::Disagree:
      return "disagree";
    case AgreementVerdict::Uncertain:
      return "uncertain";
    case AgreementVerdict::Unaddressed:
      return "unaddressed";
    case AgreementVerdict::TextOnly:
      return "text_only";
  }
  return "agree_absent";
}

nlohmann::json ComparisonReport::toJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : concepts) {
    nlohmann::json item{{"concept", c.conceptId},
                        {"text_status", toString(c.text)},
                        {"verdict", toString(c.verdict)},
                        {"needs_review", c.needsReview},
                        {"evidence", c.evidence}};
    if (c.ai) {
      item["ai"] = {{"probability", c.ai->probability},
                    {"threshold", c.ai->threshold},
                    {"positive", c.ai->probability >= c.ai->threshold}};
    }
    items.push_back(item);
  }
  return {{"concepts", items}, {"disagreements", disagreements}, {"needs_review", needsReview}};
}

std::vector<AiFinding> FindingComparator::parseAiFindings(const nlohmann::json& json,
                                                          const std::string& inputName) {
  const nlohmann::json* list = &json;
  if (json.is_object() && json.contains("findings")) list = &json.at("findings");
  if (!list->is_array()) {
    throw Error(ErrorCode::BadJson,
                inputName + ": expected an array of AI findings or {\"findings\": [...]}");
  }
  std::vector<AiFinding> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& item = (*list)[i];
    const std::string where = inputName + ": findings[" + std::to_string(i) + "]";
    if (!item.is_object() || !item.contains("concept") || !item["concept"].is_string() ||
        !item.contains("probability") || !item["probability"].is_number()) {
      throw Error(ErrorCode::BadJson,
                  where + ": needs \"concept\" (string) and \"probability\" (number)");
    }
    AiFinding f;
    f.conceptId = item["concept"].get<std::string>();
    f.probability = item["probability"].get<double>();
    if (item.contains("threshold")) {
      if (!item["threshold"].is_number()) {
        throw Error(ErrorCode::BadJson, where + ": \"threshold\" must be a number");
      }
      f.threshold = item["threshold"].get<double>();
    }
    out.push_back(f);
  }
  return out;
}

ComparisonReport FindingComparator::compare(const std::vector<AiFinding>& ai,
                                            std::string_view doctorText,
                                            const ExtractionOptions& options) const {
  const auto& known = extractor_.concepts();
  for (const auto& f : ai) {
    if (std::find(known.begin(), known.end(), f.conceptId) == known.end()) {
      throw Error(ErrorCode::InvalidArgument,
                  "AI finding '" + f.conceptId + "': unknown concept (see concepts.tsv)");
    }
    if (!(f.probability >= 0.0 && f.probability <= 1.0)) {
      throw Error(ErrorCode::InvalidArgument,
                  "AI finding '" + f.conceptId + "': probability must be in [0, 1]");
    }
    if (!(f.threshold > 0.0 && f.threshold < 1.0)) {
      throw Error(ErrorCode::InvalidArgument,
                  "AI finding '" + f.conceptId + "': threshold must be in (0, 1)");
    }
  }
  const ExtractionResult text = extractor_.extract(doctorText, options);

  // The strongest statement about each concept: affirmed > possible > negated > historical.
  struct Said {
    TextStatus status = TextStatus::NotMentioned;
    std::string evidence;
  };
  auto rank = [](TextStatus s) {
    switch (s) {
      case TextStatus::Affirmed:
        return 4;
      case TextStatus::Possible:
        return 3;
      case TextStatus::Negated:
        return 2;
      case TextStatus::HistoricalOnly:
        return 1;
      case TextStatus::NotMentioned:
        return 0;
    }
    return 0;
  };
  std::map<std::string, Said> said;
  std::vector<std::string> order;
  for (const auto& m : text.findings) {
    if (m.experiencer != Experiencer::Patient || m.temporality == Temporality::Hypothetical)
      continue;
    TextStatus s = TextStatus::HistoricalOnly;
    if (m.temporality == Temporality::Recent) {
      s = m.assertion == Assertion::Affirmed   ? TextStatus::Affirmed
          : m.assertion == Assertion::Possible ? TextStatus::Possible
                                               : TextStatus::Negated;
    }
    auto [it, inserted] = said.try_emplace(m.conceptId);
    if (inserted) order.push_back(m.conceptId);
    if (rank(s) > rank(it->second.status)) {
      it->second.status = s;
      const std::string cue = m.evidence.empty() ? "" : m.evidence.front();
      it->second.evidence = m.text + (cue.empty() ? "" : " [" + cue + "]");
    }
  }

  ComparisonReport report;
  auto add = [&](ConceptComparison c) {
    c.needsReview = c.verdict == AgreementVerdict::Disagree ||
                    c.verdict == AgreementVerdict::Uncertain ||
                    c.verdict == AgreementVerdict::Unaddressed;
    if (c.verdict == AgreementVerdict::Disagree) ++report.disagreements;
    if (c.needsReview) ++report.needsReview;
    report.concepts.push_back(std::move(c));
  };
  for (const auto& f : ai) {
    ConceptComparison c;
    c.conceptId = f.conceptId;
    c.ai = f;
    const auto it = said.find(f.conceptId);
    if (it != said.end()) {
      c.text = it->second.status;
      c.evidence = it->second.evidence;
    }
    const bool positive = f.probability >= f.threshold;
    switch (c.text) {
      case TextStatus::Affirmed:
        c.verdict = positive ? AgreementVerdict::AgreePresent : AgreementVerdict::Disagree;
        break;
      case TextStatus::Negated:
        c.verdict = positive ? AgreementVerdict::Disagree : AgreementVerdict::AgreeAbsent;
        break;
      case TextStatus::Possible:
        c.verdict = AgreementVerdict::Uncertain;
        break;
      case TextStatus::HistoricalOnly:
      case TextStatus::NotMentioned:
        c.verdict = positive ? AgreementVerdict::Unaddressed : AgreementVerdict::AgreeAbsent;
        break;
    }
    add(std::move(c));
  }
  for (const auto& id : order) {
    const bool assessed =
        std::any_of(ai.begin(), ai.end(), [&](const AiFinding& f) { return f.conceptId == id; });
    if (assessed) continue;
    ConceptComparison c;
    c.conceptId = id;
    c.text = said[id].status;
    c.evidence = said[id].evidence;
    c.verdict = AgreementVerdict::TextOnly;
    add(std::move(c));
  }
  return report;
}

}  // namespace medsight

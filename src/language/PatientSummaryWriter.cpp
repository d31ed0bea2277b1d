#include "language/PatientSummaryWriter.h"

#include "core/Error.h"

namespace medsight {

std::string PatientSummary::text() const {
  std::string out;
  for (const auto& s : sentences) {
    if (!out.empty() && language != "zh") out += ' ';
    out += s;
  }
  return out;
}

PatientSummaryWriter::PatientSummaryWriter(const std::filesystem::path& catalogue,
                                           TextLanguage language)
    : catalogue_(MessageCatalogue::load(catalogue, language)), language_(language) {
  if (language == TextLanguage::Auto) {
    throw Error(ErrorCode::InvalidArgument, "summary: choose --lang en or --lang zh");
  }
}

SignedStudy PatientSummaryWriter::parse(const nlohmann::json& json, const std::string& inputName) {
  if (!json.is_object()) throw Error(ErrorCode::BadJson, inputName + ": expected a JSON object");
  auto text = [&](const nlohmann::json& obj, const char* key, const std::string& where) {
    if (!obj.contains(key) || obj[key].is_null()) return std::string();
    if (!obj[key].is_string()) {
      throw Error(ErrorCode::BadJson, where + ": \"" + key + "\" must be a string");
    }
    return obj[key].get<std::string>();
  };
  SignedStudy study;
  const nlohmann::json empty = nlohmann::json::object();
  const auto& s = json.contains("study") ? json["study"] : empty;
  if (!s.is_object()) throw Error(ErrorCode::BadJson, inputName + ": \"study\" must be an object");
  study.modality = text(s, "modality", inputName + ": study");
  study.bodyPart = text(s, "body_part", inputName + ": study");
  const auto& signer = json.contains("signed_by") ? json["signed_by"] : empty;
  if (signer.is_string()) {
    study.signedBy = signer.get<std::string>();
  } else if (signer.is_object()) {
    study.signedBy = text(signer, "name", inputName + ": signed_by");
    const std::string gender = text(signer, "gender", inputName + ": signed_by");
    if (!gender.empty()) study.signerGender = gender;
  } else {
    throw Error(ErrorCode::BadJson, inputName + ": \"signed_by\" must be a name or an object");
  }
  // A name of spaces is no signature ("...      checked and signed these results").
  if (study.signedBy.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::InvalidArgument,
                inputName +
                    ": findings are not signed (\"signed_by\" is missing); patient "
                    "summaries are made only from findings a doctor has signed");
  }
  if (study.signerGender != "female" && study.signerGender != "male" &&
      study.signerGender != "other") {
    throw Error(ErrorCode::InvalidArgument,
                inputName + ": signed_by.gender must be female, male or other");
  }
  study.signedOn = text(json, "signed_at", inputName);
  if (!json.contains("findings") || !json["findings"].is_array()) {
    throw Error(ErrorCode::BadJson, inputName + ": \"findings\" must be an array");
  }
  const auto& list = json["findings"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = inputName + ": findings[" + std::to_string(i) + "]";
    const auto& item = list[i];
    if (!item.is_object() || !item.contains("concept") || !item["concept"].is_string()) {
      throw Error(ErrorCode::BadJson, where + ": needs \"concept\" (string)");
    }
    SignedFinding f;
    f.conceptId = item["concept"].get<std::string>();
    if (item.contains("present")) {
      if (!item["present"].is_boolean()) {
        throw Error(ErrorCode::BadJson, where + ": \"present\" must be true or false");
      }
      f.present = item["present"].get<bool>();
    }
    if (item.contains("probability") && !item["probability"].is_null()) {
      if (!item["probability"].is_number()) {
        throw Error(ErrorCode::BadJson, where + ": \"probability\" must be a number");
      }
      const double p = item["probability"].get<double>();
      if (!(p >= 0.0 && p <= 1.0)) {
        throw Error(ErrorCode::InvalidArgument, where + ": probability must be in [0, 1]");
      }
      f.probability = p;
    }
    f.laterality = parseLaterality(text(item, "laterality", where), where);
    f.location = text(item, "location", where);
    if (item.contains("count")) {
      if (!item["count"].is_number_integer() || item["count"].get<long long>() < 1 ||
          item["count"].get<long long>() > 10000) {
        throw Error(ErrorCode::InvalidArgument, where + ": count must be an integer 1..10000");
      }
      f.count = item["count"].get<int>();
    }
    // The same finding signed both present and absent (same concept, side and place) would
    // tell the patient two opposite things in one letter.
    for (std::size_t k = 0; k < study.findings.size(); ++k) {
      const auto& g = study.findings[k];
      if (g.conceptId == f.conceptId && g.laterality == f.laterality && g.location == f.location &&
          g.present != f.present) {
        throw Error(ErrorCode::InvalidArgument,
                    where + ": says " + f.conceptId + " is " + (f.present ? "present" : "absent") +
                        " where findings[" + std::to_string(k) + "] says it is " +
                        (g.present ? "present" : "absent") +
                        "; a signed report must say one or the other");
      }
    }
    study.findings.push_back(std::move(f));
  }
  return study;
}

PatientSummary PatientSummaryWriter::write(const SignedStudy& study) const {
  PatientSummary summary;
  summary.language = language_ == TextLanguage::Chinese ? "zh" : "en";
  auto word = [&](const char* table, const std::string& key) {
    return catalogue_.formatEntry(table, catalogue_.has(table, key) ? key : "other", {});
  };
  auto nameOf = [&](const SignedFinding& f) {
    if (!catalogue_.has("concepts", f.conceptId)) {
      throw Error(ErrorCode::InvalidArgument,
                  "finding '" + f.conceptId + "': the " + summary.language +
                      " catalogue has no patient wording for it; refusing to invent one");
    }
    return catalogue_.formatEntry("concepts", f.conceptId, {{"count", double(f.count)}});
  };
  summary.sentences.push_back(
      catalogue_.format("looked_at", {{"modality", word("modalities", study.modality)},
                                      {"body_part", word("body_parts", study.bodyPart)}}));
  std::vector<std::string> absent;
  bool anyPresent = false;
  for (const auto& f : study.findings) {
    if (!f.present) {
      absent.push_back(nameOf(f));
      continue;
    }
    anyPresent = true;
    summary.sentences.push_back(catalogue_.format(
        "present", {{"name", nameOf(f)}, {"side", std::string(toString(f.laterality))}}));
    if (!f.location.empty()) {
      if (!catalogue_.has("locations", f.location)) {
        throw Error(ErrorCode::InvalidArgument, "finding '" + f.conceptId + "': location '" +
                                                    f.location +
                                                    "' has no patient wording in the catalogue");
      }
      summary.sentences.push_back(catalogue_.format(
          "present_location", {{"location", catalogue_.formatEntry("locations", f.location, {})}}));
    }
    if (f.probability) {
      const double p = *f.probability;
      const std::string level = p >= 0.9 ? "high" : p >= 0.7 ? "medium" : "low";
      summary.sentences.push_back(catalogue_.format("certainty", {{"level", level}}));
    }
  }
  if (!absent.empty()) {
    summary.sentences.push_back(
        catalogue_.format("absent", {{"names", catalogue_.joinList(absent)}}));
  }
  if (study.findings.empty()) summary.sentences.push_back(catalogue_.format("no_findings", {}));
  summary.sentences.push_back(catalogue_.format(anyPresent ? "next_present" : "next_clear", {}));
  summary.sentences.push_back(catalogue_.format(
      "reviewed", {{"doctor", study.signedBy},
                   {"date", study.signedOn.empty() ? std::string("none") : study.signedOn}}));
  summary.sentences.push_back(catalogue_.format("questions", {{"gender", study.signerGender}}));
  return summary;
}

}  // namespace medsight

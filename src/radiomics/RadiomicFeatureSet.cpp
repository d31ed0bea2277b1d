#include "radiomics/RadiomicFeatureSet.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace medsight {
namespace {

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// Lower-case words joined by underscores; other characters dropped ("2.5D, merged" ->
/// "2_5d_merged", "Moran's I index" -> "morans_i_index").
std::string snake(const std::string& s) {
  std::string out;
  bool pendingUnderscore = false;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      if (pendingUnderscore && !out.empty()) out += '_';
      pendingUnderscore = false;
      out += static_cast<char>(std::tolower(c));
    } else if (c == '\'' || c == 0xE2 || c == 0x80 || c == 0x99) {
      continue;  // apostrophes (ASCII or UTF-8 right single quote) join words
    } else {
      pendingUnderscore = true;
    }
  }
  return out;
}

}  // namespace

void RadiomicFeatureSet::append(const RadiomicFeatureSet& other) {
  features_.insert(features_.end(), other.features_.begin(), other.features_.end());
}

std::optional<RadiomicFeature> RadiomicFeatureSet::find(const std::string& family,
                                                        const std::string& name,
                                                        const std::string& aggregation) const {
  const std::string n = lower(name);
  for (const auto& f : features_) {
    if (f.family == family && lower(f.name) == n && f.aggregation == aggregation) return f;
  }
  return std::nullopt;
}

std::string RadiomicFeatureSet::toCsv() const {
  std::ostringstream out;
  out << "family,feature,ibsi_code,aggregation,aggregation_code,value\n";
  char number[64];
  for (const auto& f : features_) {
    if (std::isfinite(f.value)) {
      std::snprintf(number, sizeof number, "%.10g", f.value);
    } else {
      std::snprintf(number, sizeof number, "NaN");
    }
    out << csvField(f.family) << ',' << csvField(f.name) << ',' << f.ibsiCode << ','
        << csvField(f.aggregation) << ',' << f.aggregationCode << ',' << number << '\n';
  }
  return out.str();
}

std::string RadiomicFeatureSet::toJson(int indent) const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& f : features_) {
    nlohmann::json row{{"family", f.family},
                       {"feature", f.name},
                       {"ibsi_code", f.ibsiCode},
                       {"aggregation", f.aggregation},
                       {"aggregation_code", f.aggregationCode},
                       {"column", columnName(f)}};
    if (std::isfinite(f.value)) {
      row["value"] = f.value;
    } else {
      row["value"] = nullptr;
    }
    rows.push_back(std::move(row));
  }
  return rows.dump(indent);
}

std::string RadiomicFeatureSet::columnName(const RadiomicFeature& feature) {
  return feature.family + "." + snake(feature.name) + "." + snake(feature.aggregation);
}

}  // namespace medsight

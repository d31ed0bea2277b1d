#include "radiomics/IbsiReferenceTable.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <map>

#include "core/CsvLine.h"
#include "core/Error.h"

namespace medsight {
namespace {

/// Lower case with the typographic apostrophe (U+2019) folded to ASCII.
std::string normaliseName(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 2 < s.size() && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x99) {
      out += '\'';
      i += 2;
    } else {
      out += char(std::tolower((unsigned char)s[i]));
    }
  }
  return out;
}

}  // namespace

double IbsiReferenceTable::roundingTolerance(const std::string& text) {
  // Significant digits as written, ignoring a sign, leading zeros and trailing zeros of the
  // fraction ("1490.0" has three: 149).
  std::string digits;
  std::string mantissa = text.substr(0, text.find_first_of("eE"));
  if (const auto dot = mantissa.find('.'); dot != std::string::npos) {
    while (!mantissa.empty() && mantissa.back() == '0') mantissa.pop_back();
    if (!mantissa.empty() && mantissa.back() == '.') mantissa.pop_back();
  }
  for (char c : mantissa) {
    if (std::isdigit((unsigned char)c)) digits += c;
  }
  const auto first = digits.find_first_not_of('0');
  const double value = std::stod(text);
  if (first == std::string::npos || value == 0) return 5e-4;
  std::string significant = digits.substr(first);
  // Trailing zeros of an integer part are not significant either ("-50" has one digit).
  if (mantissa.find('.') == std::string::npos) {
    while (significant.size() > 1 && significant.back() == '0') significant.pop_back();
  }
  const int count = std::max<int>(3, int(significant.size()));
  const int magnitude = int(std::floor(std::log10(std::abs(value))));
  return 0.5 * std::pow(10.0, magnitude - (count - 1));
}

IbsiReferenceTable IbsiReferenceTable::read(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": reference table not found");
  IbsiReferenceTable table;
  std::string line;
  int number = 0;
  std::map<std::string, std::size_t> column;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) CsvLine::dropByteOrderMark(line);
    if (line.empty() || line == "\r") continue;
    const auto fields = CsvLine::split(line, path.string() + ":" + std::to_string(number));
    if (column.empty()) {
      for (std::size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      for (const char* required : {"feature", "ibsi_code", "aggregation", "value", "tolerance"}) {
        if (!column.count(required)) {
          throw Error(ErrorCode::CorruptData,
                      path.string() + ": header lacks column '" + required + "'");
        }
      }
      continue;
    }
    auto field = [&](const char* name) -> std::string {
      const auto it = column.find(name);
      return it != column.end() && it->second < fields.size() ? fields[it->second] : "";
    };
    IbsiReferenceValue v;
    v.line = number;
    v.feature = field("feature");
    v.code = field("ibsi_code");
    v.aggregation = field("aggregation");
    v.valueText = field("value");
    v.consensus = field("consensus");
    try {
      v.value = std::stod(v.valueText);
      const std::string tol = field("tolerance");
      v.toleranceGiven = !tol.empty();
      v.tolerance = v.toleranceGiven ? std::stod(tol) : roundingTolerance(v.valueText);
    } catch (const std::exception&) {
      throw Error(ErrorCode::CorruptData, path.string() + ":" + std::to_string(number) +
                                              ": value or tolerance is not a number");
    }
    table.values_.push_back(v);
  }
  if (table.values_.empty()) throw Error(ErrorCode::EmptyInput, path.string() + ": no rows");
  return table;
}

std::vector<IbsiComparison> IbsiReferenceTable::compare(const RadiomicFeatureSet& features) const {
  std::map<std::string, std::string> familyOfCode;
  for (const auto& f : features.features()) {
    if (!f.ibsiCode.empty()) familyOfCode.emplace(f.ibsiCode, f.family);
  }
  std::vector<IbsiComparison> out;
  for (const auto& ref : values_) {
    IbsiComparison c{ref, std::nullopt, false};
    const std::string aggregation = ref.aggregation.empty() ? "3D" : ref.aggregation;
    const auto family = familyOfCode.find(ref.code);
    const std::string name = normaliseName(ref.feature);
    for (const auto& f : features.features()) {
      if (family != familyOfCode.end() && f.family != family->second) continue;
      if (f.aggregation != aggregation || normaliseName(f.name) != name) continue;
      c.computed = f;
      break;
    }
    if (c.computed) {
      const double allowed = ref.tolerance + 1e-9 * std::abs(ref.value);
      c.withinTolerance = std::abs(c.computed->value - ref.value) <= allowed;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace medsight

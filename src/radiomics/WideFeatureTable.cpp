#include "radiomics/WideFeatureTable.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/AtomicFile.h"
#include "core/Error.h"

namespace medsight {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

void WideFeatureTable::upsert(const std::filesystem::path& path, const std::string& id,
                              const RadiomicFeatureSet& features) {
  if (id.empty() || id.find_first_of(",\"\n\r") != std::string::npos) {
    throw Error(
        ErrorCode::InvalidArgument,
        "--id '" + id + "': a case ID must be non-empty without commas, quotes or newlines");
  }
  std::string header = "id";
  std::string row = id;
  char number[64];
  for (const auto& f : features.features()) {
    header += "," + RadiomicFeatureSet::columnName(f);
    if (std::isfinite(f.value)) {
      std::snprintf(number, sizeof number, "%.10g", f.value);
    } else {
      std::snprintf(number, sizeof number, "NaN");
    }
    row += std::string(",") + number;
  }
  std::vector<std::string> rows;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path);
    if (!in) throw Error(ErrorCode::FileUnreadable, path.string() + ": cannot read the table");
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line != header) {
      throw Error(ErrorCode::InvalidArgument, path.string() +
                                                  ": existing table has other columns (" +
                                                  std::to_string(split(line).size()) + " vs " +
                                                  std::to_string(split(header).size()) +
                                                  "); it was built with another configuration");
    }
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      if (split(line).front() != id) rows.push_back(line);
    }
  }
  rows.push_back(row);
  std::ostringstream out;
  out << header << '\n';
  for (const auto& r : rows) out << r << '\n';
  AtomicFile::write(path, out.str());
}

}  // namespace medsight

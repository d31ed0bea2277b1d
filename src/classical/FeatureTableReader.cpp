#include "classical/FeatureTableReader.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "core/CsvLine.h"
#include "core/Error.h"

namespace medsight {
namespace {

/// Row IDs generated for files without an ID column.
constexpr const char* kRowPrefix = "#row";

struct CsvFile {
  std::string name;
  std::vector<std::vector<std::string>> rows;  // including the header row, if any
};

std::vector<std::string> splitLine(const std::string& line, const std::string& where) {
  auto fields = CsvLine::split(line, where);
  for (auto& f : fields) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
    std::size_t start = 0;
    while (start < f.size() && (f[start] == ' ' || f[start] == '\t')) ++start;
    f.erase(0, start);
  }
  return fields;
}

CsvFile readCsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": file not found");
  CsvFile file{path.string(), {}};
  std::string line;
  std::size_t number = 0, width = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) CsvLine::dropByteOrderMark(line);
    if (line.empty() || line == "\r") continue;
    auto fields = splitLine(line, file.name + ":" + std::to_string(number));
    if (width == 0) width = fields.size();
    if (fields.size() != width) {
      throw Error(ErrorCode::CorruptData, file.name + ":" + std::to_string(number) + ": " +
                                              std::to_string(fields.size()) + " fields, expected " +
                                              std::to_string(width));
    }
    file.rows.push_back(std::move(fields));
  }
  if (file.rows.empty()) throw Error(ErrorCode::EmptyInput, file.name + ": no data rows");
  return file;
}

/// Parses a number; empty, NA and NaN are missing (NaN), inf/-inf infinite.
bool parseNumber(const std::string& s, double* out) {
  if (s.empty() || s == "NA" || s == "na" || s == "NaN" || s == "nan" || s == "null") {
    *out = NAN;
    return true;
  }
  // strtod also reads C99 hexadecimal ("0x10" is 16), which no feature export writes.
  if (s.find_first_of("xX") != std::string::npos) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0';
}

bool allNumeric(const std::vector<std::string>& fields) {
  double v;
  for (const auto& f : fields) {
    if (!parseNumber(f, &v)) return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower((unsigned char)c));
  return s;
}

struct ParsedFile {
  bool header = false;
  bool hasIds = false;
  std::vector<std::string> ids;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> values;
  std::vector<std::string> labels;  // when a label column was requested and found
};

ParsedFile parse(const CsvFile& csv, const TableReadOptions& options, bool wantLabels) {
  ParsedFile p;
  const bool header = !allNumeric(csv.rows.front());
  p.header = header;
  std::size_t first = header ? 1 : 0;
  if (csv.rows.size() <= first) throw Error(ErrorCode::EmptyInput, csv.name + ": no data rows");
  long idCol = -1, labelCol = -1;
  const std::size_t width = csv.rows.front().size();
  if (header) {
    const auto& h = csv.rows.front();
    for (std::size_t c = 0; c < width; ++c) {
      const std::string n = lower(h[c]);
      if (!options.idColumn.empty() ? h[c] == options.idColumn
                                    : (idCol < 0 && (n == "id" || n == "patient_id" ||
                                                     n == "sample_id" || n == "case_id"))) {
        idCol = long(c);
      }
      if (wantLabels && !options.labelColumn.empty() && h[c] == options.labelColumn) {
        labelCol = long(c);
      }
    }
    if (!options.idColumn.empty() && idCol < 0) {
      throw Error(ErrorCode::InvalidArgument,
                  csv.name + ": no ID column '" + options.idColumn + "' in the header");
    }
    if (idCol < 0 && options.idColumn.empty() && labelCol != 0) {
      double v;
      for (std::size_t r = first; r < csv.rows.size(); ++r) {
        if (!parseNumber(csv.rows[r][0], &v)) {
          idCol = 0;
          break;
        }
      }
    }
    std::set<std::string> names;
    for (std::size_t c = 0; c < width; ++c) {
      if (long(c) == idCol || long(c) == labelCol) continue;
      // Two columns of one name cannot be told apart in the model, its card or --explain.
      if (!names.insert(h[c]).second) {
        throw Error(ErrorCode::InvalidArgument,
                    csv.name + ": the column name '" + h[c] + "' appears twice in the header");
      }
      p.columns.push_back(h[c]);
    }
  } else {
    for (std::size_t c = 0; c < width; ++c) p.columns.push_back(std::to_string(c));
  }
  p.hasIds = idCol >= 0;
  std::set<std::string> seen;
  for (std::size_t r = first; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    std::vector<double> values;
    values.reserve(p.columns.size());
    for (std::size_t c = 0; c < width; ++c) {
      if (long(c) == idCol || long(c) == labelCol) continue;
      double v;
      if (!parseNumber(row[c], &v)) {
        throw Error(ErrorCode::InvalidArgument,
                    csv.name + ": row " + std::to_string(r + 1) + ", column '" +
                        (header ? csv.rows.front()[c] : std::to_string(c + 1)) + "': '" + row[c] +
                        "' is not a number");
      }
      values.push_back(v);
    }
    std::string id = p.hasIds ? row[std::size_t(idCol)]
                              : std::string(kRowPrefix) + std::to_string(r - first + 1);
    if (p.hasIds) {
      if (id.empty()) {
        throw Error(ErrorCode::InvalidArgument,
                    csv.name + ": row " + std::to_string(r + 1) + " has an empty ID");
      }
      if (!seen.insert(id).second) {
        throw Error(ErrorCode::InvalidArgument, csv.name + ": ID '" + id + "' appears twice");
      }
    }
    p.ids.push_back(std::move(id));
    p.values.push_back(std::move(values));
    if (labelCol >= 0) p.labels.push_back(row[std::size_t(labelCol)]);
  }
  return p;
}

std::string listSome(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < 5; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > 5) out += ", ... (" + std::to_string(items.size()) + " in all)";
  return out;
}

}  // namespace

bool FeatureTableReader::hasIds(const FeatureTable& table) {
  return table.rows() > 0 && table.ids.front().rfind(kRowPrefix, 0) != 0;
}

FeatureTable FeatureTableReader::read(const std::vector<std::filesystem::path>& files,
                                      const TableReadOptions& options, RawLabels* labels,
                                      std::vector<ColumnBlock>* blocks) {
  if (files.empty()) throw Error(ErrorCode::InvalidArgument, "no feature files given");
  std::vector<ParsedFile> parsed;
  for (std::size_t k = 0; k < files.size(); ++k) {
    parsed.push_back(parse(readCsv(files[k]), options, labels != nullptr && k == 0));
  }
  FeatureTable table;
  const ParsedFile& base = parsed.front();
  table.ids = base.ids;
  const bool multiple = files.size() > 1;
  // Row map of every file onto the first file's rows.
  std::vector<std::vector<std::size_t>> rowOf(files.size());
  for (std::size_t k = 0; k < files.size(); ++k) {
    const ParsedFile& p = parsed[k];
    if (p.hasIds != base.hasIds) {
      throw Error(ErrorCode::InvalidArgument,
                  files[k].string() + (p.hasIds ? " has" : " has no") + " ID column but " +
                      files[0].string() + (base.hasIds ? " has" : " has none") +
                      "; use files of one kind (all row-aligned or all with IDs)");
    }
    if (!p.hasIds) {
      if (p.ids.size() != base.ids.size()) {
        throw Error(ErrorCode::InvalidArgument,
                    files[k].string() + ": " + std::to_string(p.ids.size()) + " rows but " +
                        files[0].string() + " has " + std::to_string(base.ids.size()) +
                        "; header-less files must be row-aligned");
      }
      for (std::size_t r = 0; r < p.ids.size(); ++r) rowOf[k].push_back(r);
    } else {
      std::map<std::string, std::size_t> index;
      for (std::size_t r = 0; r < p.ids.size(); ++r) index[p.ids[r]] = r;
      std::vector<std::string> missing;
      for (const auto& id : base.ids) {
        const auto it = index.find(id);
        if (it == index.end()) {
          missing.push_back(id);
        } else {
          rowOf[k].push_back(it->second);
        }
      }
      if (!missing.empty()) {
        throw Error(ErrorCode::InvalidArgument, files[k].string() + ": missing IDs " +
                                                    listSome(missing) + " (present in " +
                                                    files[0].string() + ")");
      }
    }
    if (blocks) {
      blocks->push_back({files[k].filename().string(), table.columns.size(),
                         table.columns.size() + p.columns.size()});
    }
    for (const auto& c : p.columns) {
      const std::string prefix = "f" + std::to_string(k + 1) + ".";
      table.columns.push_back(p.header && !multiple ? c : prefix + c);
    }
  }
  table.values.reserve(table.rows() * table.cols());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    for (std::size_t k = 0; k < files.size(); ++k) {
      const auto& v = parsed[k].values[rowOf[k][r]];
      table.values.insert(table.values.end(), v.begin(), v.end());
    }
  }
  if (labels && !options.labelColumn.empty()) {
    if (base.labels.empty()) {
      throw Error(ErrorCode::InvalidArgument, files[0].string() + ": no label column '" +
                                                  options.labelColumn + "' in the header");
    }
    labels->values = base.labels;
    labels->source = files[0].string() + " column " + options.labelColumn;
  }
  return table;
}

RawLabels FeatureTableReader::readLabels(const std::filesystem::path& file,
                                         const FeatureTable& table, bool tableHasIds,
                                         const TableReadOptions& options) {
  const CsvFile csv = readCsv(file);
  RawLabels out{{}, file.string()};
  const auto& head = csv.rows.front();
  const bool header = head.size() > 1 ? !allNumeric(head) && !allNumeric({head.back()})
                                      : !allNumeric(head) && csv.rows.size() == table.rows() + 1;
  if (head.size() == 1) {
    // One column: row-aligned labels, with an optional header line.
    const std::size_t first = header ? 1 : 0;
    for (std::size_t r = first; r < csv.rows.size(); ++r) out.values.push_back(csv.rows[r][0]);
    if (out.values.size() != table.rows()) {
      throw Error(ErrorCode::InvalidArgument,
                  file.string() + ": " + std::to_string(out.values.size()) + " labels for " +
                      std::to_string(table.rows()) +
                      " feature rows; row-aligned labels need one per row");
    }
    return out;
  }
  if (!header) {
    throw Error(ErrorCode::InvalidArgument,
                file.string() +
                    ": a label file with several columns needs a header naming the "
                    "ID and label columns");
  }
  long idCol = -1, labelCol = -1;
  for (std::size_t c = 0; c < head.size(); ++c) {
    const std::string n = lower(head[c]);
    if (!options.idColumn.empty()
            ? head[c] == options.idColumn
            : (n == "id" || n == "patient_id" || n == "sample_id" || n == "case_id")) {
      idCol = long(c);
    } else if (!options.labelColumn.empty() ? head[c] == options.labelColumn
                                            : labelCol < 0 || n == "label") {
      labelCol = long(c);
    }
  }
  if (idCol < 0) idCol = 0;
  if (labelCol < 0 || labelCol == idCol) {
    throw Error(ErrorCode::InvalidArgument, file.string() + ": cannot tell the label column");
  }
  if (!tableHasIds) {
    throw Error(ErrorCode::InvalidArgument,
                file.string() + ": labels have IDs but the feature files have none");
  }
  std::map<std::string, std::string> byId;
  for (std::size_t r = 1; r < csv.rows.size(); ++r) {
    // A repeated ID took its last label silently, whichever the two said.
    const auto& id = csv.rows[r][std::size_t(idCol)];
    const auto& label = csv.rows[r][std::size_t(labelCol)];
    const auto [it, fresh] = byId.emplace(id, label);
    if (!fresh) {
      throw Error(ErrorCode::InvalidArgument,
                  file.string() + ": ID '" + id + "' appears twice (line " + std::to_string(r + 1) +
                      ", labels '" + it->second + "' and '" + label + "')");
    }
  }
  std::vector<std::string> missing;
  for (const auto& id : table.ids) {
    const auto it = byId.find(id);
    if (it == byId.end()) {
      missing.push_back(id);
    } else {
      out.values.push_back(it->second);
    }
  }
  if (!missing.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                file.string() + ": no label for IDs " + listSome(missing));
  }
  return out;
}

}  // namespace medsight

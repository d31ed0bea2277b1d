#include "language/LexiconFile.h"

#include <fstream>

#include "core/Error.h"
#include "language/TextInput.h"

namespace medsight {

void LexiconFile::forEachRow(
    const std::filesystem::path& path, std::size_t minColumns,
    const std::function<void(const std::vector<std::string>&, const std::string&)>& row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": lexicon file not found");
  }
  std::string line;
  std::size_t lineNumber = 0;
  std::vector<std::string> columns;
  while (std::getline(in, line)) {
    ++lineNumber;
    const std::string where = path.filename().string() + ":" + std::to_string(lineNumber);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (TextInput::firstInvalidUtf8(line) != std::string::npos) {
      throw Error(ErrorCode::InvalidConfiguration, where + ": invalid UTF-8");
    }
    columns.clear();
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t tab = line.find('\t', start);
      if (tab == std::string::npos) tab = line.size();
      std::string cell = line.substr(start, tab - start);
      while (!cell.empty() && cell.back() == ' ') cell.pop_back();
      while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
      if (!cell.empty()) columns.push_back(std::move(cell));
      start = tab + 1;
    }
    if (columns.empty()) continue;
    if (columns.size() < minColumns) {
      throw Error(ErrorCode::InvalidConfiguration,
                  where + ": expected at least " + std::to_string(minColumns) + " columns, got " +
                      std::to_string(columns.size()));
    }
    row(columns, where);
  }
}

}  // namespace medsight

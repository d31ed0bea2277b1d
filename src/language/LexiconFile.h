#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace medsight {

/// \brief Reads MedSight's tab-separated lexicon files: UTF-8, '#' comments, blank lines
/// ignored, CR/LF tolerated, empty columns dropped (the NegEx list uses "\t\t").
class LexiconFile {
 public:
  /// \brief Calls `row(columns, "file:line")` for each data row; throws FileNotFound if the
  /// file is missing, InvalidConfiguration for invalid UTF-8 or fewer than `minColumns`.
  static void forEachRow(
      const std::filesystem::path& path, std::size_t minColumns,
      const std::function<void(const std::vector<std::string>&, const std::string&)>& row);
};

}  // namespace medsight

#pragma once

#include <string>
#include <vector>

namespace medsight {

/// \brief One line of a comma-separated file split into fields (RFC 4180 quoting: fields in
/// double quotes may hold commas, and "" stands for one quote; a trailing CR is dropped).
class CsvLine {
 public:
  /// \brief Fields of `line`; throws CorruptData naming `where` on an unterminated quote.
  static std::vector<std::string> split(const std::string& line, const std::string& where);
};

}  // namespace medsight

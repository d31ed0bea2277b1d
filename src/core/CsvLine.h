#pragma once

#include <string>
#include <vector>

namespace medsight {

/// \brief One line of a comma-separated file split into fields (RFC 4180 quoting: fields in
/// double quotes may hold commas, and "" stands for one quote; a trailing CR is dropped).
class CsvLine {
 public:
  /// \brief Fields of `line`; throws CorruptData naming `where` on an unterminated quote or on
  /// bytes that text does not hold (a NUL, or a control byte outside quotes): binary data.
  static std::vector<std::string> split(const std::string& line, const std::string& where);
  /// \brief Removes the UTF-8 byte-order mark a spreadsheet's "CSV UTF-8" export puts at the
  /// start of the file; call it on the first line.
  static void dropByteOrderMark(std::string& firstLine);
};

}  // namespace medsight

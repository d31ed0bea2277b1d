#include "core/CsvLine.h"

#include <cstdio>

#include "core/Error.h"

namespace medsight {

std::vector<std::string> CsvLine::split(const std::string& line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    // Binary data (an image or archive renamed .csv) would otherwise be read as a table whose
    // "column names" are raw bytes. Text holds no NUL, and outside quotes no control byte but
    // tab, vertical tab, form feed and CR. Inside quotes a free-text cell may carry any other
    // (FileMaker writes line breaks in a field as 0x0B; pasted text brings form feeds). Bytes
    // >= 0x80 are text: UTF-8, or a code page such as Windows-1252 in names.
    const auto byte = static_cast<unsigned char>(c);
    const bool control = byte < 0x20 || byte == 0x7F;
    const bool allowedOutside = c == '\t' || c == '\v' || c == '\f' || c == '\r';
    if (byte == 0 || (control && !quoted && !allowedOutside)) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned>(byte));
      throw Error(ErrorCode::CorruptData, where + ": byte " + std::to_string(i + 1) + " is " +
                                              code +
                                              ", a control byte; not a text CSV file (binary "
                                              "data?)");
    }
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (quoted) throw Error(ErrorCode::CorruptData, where + ": unterminated quoted field");
  return fields;
}

void CsvLine::dropByteOrderMark(std::string& firstLine) {
  if (firstLine.compare(0, 3, "\xEF\xBB\xBF") == 0) firstLine.erase(0, 3);
}

}  // namespace medsight

#include "core/CsvLine.h"

#include <cstdio>

#include "core/Error.h"

namespace medsight {

std::vector<std::string> CsvLine::split(const std::string& line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    // A text table holds no control characters but tab and CR (RFC 4180 TEXTDATA is printable).
    // Without this check a binary file (an image or archive renamed .csv) was read as a table
    // whose "column names" were raw bytes. Bytes >= 0x80 stay allowed: UTF-8 or a legacy code
    // page such as Windows-1252 in patient or site names.
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\r') || byte == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned>(byte));
      throw Error(ErrorCode::CorruptData, where + ": control byte " + code + " at character " +
                                              std::to_string(i + 1) +
                                              "; not a text CSV file (binary data?)");
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

}  // namespace medsight

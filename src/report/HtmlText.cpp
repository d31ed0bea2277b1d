#include "report/HtmlText.h"

#include <openssl/evp.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/Error.h"

namespace medsight {

std::string HtmlText::escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string HtmlText::scriptJson(const nlohmann::json& value) {
  // Invalid UTF-8 in ids or file names must not abort the report: replace it.
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string HtmlText::dataUri(std::span<const std::byte> bytes, std::string_view mime) {
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return "data:" + std::string(mime) + ";base64," + encoded;
}

std::string HtmlText::fileDataUri(const std::filesystem::path& path, std::string_view mime) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": cannot open");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorCode::FileUnreadable, path.string() + ": read failed");
  return dataUri(std::as_bytes(std::span(bytes)), mime);
}

std::string HtmlText::number(double value, int digits) {
  if (!std::isfinite(value)) return "\u2013";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

std::string HtmlText::withInterval(double value, double lower, double upper, int digits) {
  if (!std::isfinite(value)) return "\u2013";
  std::string s = number(value, digits);
  if (std::isfinite(lower) && std::isfinite(upper)) {
    s += " <span class=\"ci\">(" + number(lower, digits) + "\u2013" + number(upper, digits) +
         ")</span>";
  }
  return s;
}

}  // namespace medsight

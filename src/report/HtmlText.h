#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>

namespace medsight {

/// \brief Text pieces of a self-contained HTML page (HTML Living Standard): escaping, numbers
/// for tables, JSON inside <script> elements and images as data: URLs (RFC 2397, base64 per
/// RFC 4648 through OpenSSL).
class HtmlText {
 public:
  /// \brief Escapes &, <, >, " and ' for text and attribute values.
  static std::string escape(std::string_view text);
  /// \brief JSON safe inside a <script> element ("</" written as "<\/").
  static std::string scriptJson(const nlohmann::json& value);
  /// \brief "data:<mime>;base64,..." for bytes.
  static std::string dataUri(std::span<const std::byte> bytes, std::string_view mime);
  /// \brief data: URL of a file's content; throws FileNotFound/FileUnreadable.
  static std::string fileDataUri(const std::filesystem::path& path, std::string_view mime);
  /// \brief A number with `digits` decimals; NaN/inf as an en dash.
  static std::string number(double value, int digits = 3);
  /// \brief "0.912 (0.880–0.941)" for a value and its interval.
  static std::string withInterval(double value, double lower, double upper, int digits = 3);
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace medsight {

/// \brief Reads a configuration file written as JSON or, by its extension (.yaml, .yml), as YAML
/// 1.2 into the same JSON value, so every configuration reader validates one representation.
///
/// YAML plain scalars are typed by the YAML 1.2 core schema: null (null, ~, empty), booleans
/// (true/false), integers (decimal, 0o octal, 0x hex) and decimal floats; quoted scalars stay
/// strings, so `"3"` is the text 3, and an explicit core tag (`!!str 3`, `!!int "3"`) decides.
/// Anchors and aliases are expanded, and `<<` merge keys merge mappings (keys given directly
/// win). Errors: FileNotFound, FileUnreadable (a folder, no permission), BadJson (malformed
/// JSON) and InvalidConfiguration (malformed YAML, a non-scalar or repeated key, several
/// documents, an empty file, a number out of range, an unknown tag, more than a million values
/// after alias expansion or nesting deeper than 200), naming the file and, for YAML, the line
/// and column.
class StructuredFileReader {
 public:
  /// \brief Parses `path`; see the class comment for the rules and errors.
  static nlohmann::json read(const std::filesystem::path& path);
  /// \brief Parses YAML text; `context` (e.g. the file name) prefixes errors.
  static nlohmann::json fromYaml(const std::string& text, const std::string& context);
  /// \brief True when the extension says YAML (.yaml or .yml, any case).
  static bool isYaml(const std::filesystem::path& path);
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace medsight {

/// \brief Reads a configuration file written as JSON or, by its extension (.yaml, .yml), as YAML
/// 1.2 into the same JSON value, so every configuration reader validates one representation.
///
/// YAML plain scalars become decimal numbers, booleans (true/false) or null (null, ~, empty) when
/// they read as such in the YAML 1.2 core schema; quoted scalars stay strings, so `"3"` is the text
/// 3. Anchors and aliases are expanded. Errors: FileNotFound, BadJson (malformed JSON) and
/// InvalidConfiguration (malformed YAML, a mapping key that is not a scalar), naming the file
/// and, for YAML, the line and column.
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

#include "core/StructuredFileReader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/Error.h"

namespace medsight {
namespace {

/// A plain scalar by the YAML 1.2 core schema (spec 1.2.2, section 10.3.2): null, bool, decimal
/// int and float; anything else (also octal/hex forms, .inf, .nan) is a string.
nlohmann::json plainScalar(const std::string& s) {
  static const std::regex nullRe("null|Null|NULL|~|");
  static const std::regex trueRe("true|True|TRUE");
  static const std::regex falseRe("false|False|FALSE");
  static const std::regex intRe("[-+]?[0-9]+");
  static const std::regex floatRe(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, nullRe)) return nullptr;
  if (std::regex_match(s, trueRe)) return true;
  if (std::regex_match(s, falseRe)) return false;
  if (std::regex_match(s, intRe)) {
    long long v = 0;
    const char* first = s.data() + (s.front() == '+' ? 1 : 0);
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return v;
    return std::stod(s);  // beyond 64 bits: as a float, as JSON would
  }
  if (std::regex_match(s, floatRe)) return std::stod(s);
  return s;  // also .inf and .nan: JSON has neither, and no MedSight setting takes one
}

nlohmann::json toJson(const YAML::Node& node, const std::string& context) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!": only plain ones are typed.
      try {
        return node.Tag() == "?" ? plainScalar(node.Scalar()) : nlohmann::json(node.Scalar());
      } catch (const std::out_of_range&) {
        const auto m = node.Mark();
        throw Error(ErrorCode::InvalidConfiguration, context + ":" + std::to_string(m.line + 1) +
                                                         ":" + std::to_string(m.column + 1) +
                                                         ": number out of range");
      }
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : node) a.push_back(toJson(item, context));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          const auto m = kv.first.Mark();
          throw Error(ErrorCode::InvalidConfiguration, context + ":" + std::to_string(m.line + 1) +
                                                           ":" + std::to_string(m.column + 1) +
                                                           ": a mapping key must be a plain value");
        }
        if (o.contains(kv.first.Scalar())) {
          const auto m = kv.first.Mark();
          throw Error(ErrorCode::InvalidConfiguration, context + ":" + std::to_string(m.line + 1) +
                                                           ":" + std::to_string(m.column + 1) +
                                                           ": key '" + kv.first.Scalar() +
                                                           "' is given twice");
        }
        o[kv.first.Scalar()] = toJson(kv.second, context);
      }
      return o;
    }
  }
  return nullptr;
}

}  // namespace

bool StructuredFileReader::isYaml(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".yaml" || ext == ".yml";
}

nlohmann::json StructuredFileReader::fromYaml(const std::string& text, const std::string& context) {
  try {
    const auto documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      throw Error(ErrorCode::InvalidConfiguration,
                  context + ": holds " + std::to_string(documents.size()) +
                      " YAML documents (separated by ---); give one");
    }
    if (documents.empty()) throw Error(ErrorCode::InvalidConfiguration, context + ": empty");
    const nlohmann::json j = toJson(documents.front(), context);
    if (j.is_null()) throw Error(ErrorCode::InvalidConfiguration, context + ": empty");
    return j;
  } catch (const YAML::Exception& e) {
    // e.mark is 0-based; e.msg is the parser's reason without the position.
    throw Error(ErrorCode::InvalidConfiguration, context + ":" + std::to_string(e.mark.line + 1) +
                                                     ":" + std::to_string(e.mark.column + 1) +
                                                     ": invalid YAML: " + e.msg);
  }
}

nlohmann::json StructuredFileReader::read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": file not found");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (isYaml(path)) return fromYaml(text.str(), path.string());
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::BadJson, path.string() + ": invalid JSON: " + e.what());
  }
}

}  // namespace medsight

#include "core/StructuredFileReader.h"
#include "core/JsonText.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

/// Limits that keep a hostile file from exhausting memory or the stack: aliases can make a
/// small file expand exponentially ("billion laughs"), and every nesting level is a recursion.
constexpr std::size_t kMaxValues = 1'000'000;
constexpr int kMaxDepth = 200;

constexpr const char* kCoreTag = "tag:yaml.org,2002:";

bool allOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isOctalDigit(char c) {
  return c >= '0' && c <= '7';
}
bool isHexDigit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

std::string_view withoutSign(std::string_view s) {
  return (!s.empty() && (s.front() == '-' || s.front() == '+')) ? s.substr(1) : s;
}

/// [-+]?[0-9]+ (YAML 1.2 core schema, section 10.3.2). Scanned by hand, not by std::regex,
/// whose recursive matcher overflows the stack on a scalar of some ten thousand digits.
bool isDecimalInt(std::string_view s) {
  return allOf(withoutSign(s), isDigit);
}

/// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool isDecimalFloat(std::string_view s) {
  s = withoutSign(s);
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    return i - from;
  };
  const std::size_t whole = digits();
  std::size_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

/// InvalidConfiguration naming the file, line and column (`mark` is 0-based).
Error atMark(const std::string& context, const YAML::Mark& mark, const std::string& why) {
  return Error(ErrorCode::InvalidConfiguration, context + ":" + std::to_string(mark.line + 1) +
                                                    ":" + std::to_string(mark.column + 1) + ": " +
                                                    why);
}

[[noreturn]] void refuse(const YAML::Node& node, const std::string& context,
                         const std::string& why) {
  throw atMark(context, node.Mark(), why);
}

/// An integer of the core schema: decimal, 0o octal or 0x hexadecimal; nullopt when `s` is none
/// of these. Throws std::out_of_range beyond 64 bits (decimal: becomes a float by the caller).
std::optional<long long> coreInt(std::string_view s) {
  int base = 10;
  std::string_view digits = s;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    base = s[1] == 'o' ? 8 : 16;
    digits = s.substr(2);
    if (!allOf(digits, base == 8 ? isOctalDigit : isHexDigit)) return std::nullopt;
  } else if (!isDecimalInt(s)) {
    return std::nullopt;
  } else if (s.front() == '+') {
    digits = s.substr(1);
  }
  long long v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) throw std::out_of_range("int");
  return v;
}

std::optional<nlohmann::json> coreNull(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  return std::nullopt;
}

std::optional<nlohmann::json> coreBool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<nlohmann::json> coreNumber(std::string_view s) {
  try {
    if (const auto i = coreInt(s)) return *i;
  } catch (const std::out_of_range&) {
    // A decimal integer beyond 64 bits is read as a float, as JSON would; hex/octal are not.
    if (!isDecimalInt(s)) throw;
  }
  if (isDecimalInt(s) || isDecimalFloat(s)) {
    // strtod, not stod: a number too small for a double (1e-320, 1e-400) is read as the nearest
    // one (subnormal or 0), as JSON readers do; only one too large is out of range.
    const std::string text(s);
    const double d = std::strtod(text.c_str(), nullptr);
    if (std::isinf(d)) throw std::out_of_range("float");
    return d;
  }
  return std::nullopt;  // also .inf and .nan: JSON has neither, and no MedSight setting takes one
}

/// A plain scalar by the YAML 1.2 core schema (spec 1.2.2, section 10.3.2): null, bool,
/// integer (decimal, 0o octal, 0x hex) and decimal float; anything else is a string.
nlohmann::json plainScalar(const std::string& s) {
  if (auto v = coreNull(s)) return *v;
  if (auto v = coreBool(s)) return *v;
  if (auto v = coreNumber(s)) return *v;
  return s;
}

/// A scalar with an explicit core-schema tag (`!!str 3`, `!!int "3"`, ...): the tag decides
/// its type; a value that does not fit the tag, or a tag of another schema, is refused.
nlohmann::json taggedScalar(const YAML::Node& node, const std::string& context) {
  const std::string& tag = node.Tag();
  const std::string& s = node.Scalar();
  const std::string type = tag.rfind(kCoreTag, 0) == 0 ? tag.substr(std::strlen(kCoreTag)) : "";
  std::optional<nlohmann::json> v;
  if (type == "str") return s;
  if (type == "null") v = coreNull(s);
  if (type == "bool") v = coreBool(s);
  if (type == "int") {
    if (const auto i = coreInt(s)) v = *i;
  }
  if (type == "float" && (isDecimalInt(s) || isDecimalFloat(s))) {  // no 0x/0o floats
    v = coreNumber(s)->get<double>();
  }
  if (type.empty() || (type != "null" && type != "bool" && type != "int" && type != "float")) {
    refuse(node, context,
           "tag '" + tag + "' is not supported (use !!str, !!int, !!float, !!bool or !!null)");
  }
  if (!v) refuse(node, context, "'" + s.substr(0, 40) + "' is not a valid !!" + type);
  return *v;
}

class YamlToJson {
 public:
  explicit YamlToJson(const std::string& context) : context_(context) {}

  nlohmann::json convert(const YAML::Node& node, int depth = 0) {
    if (++values_ > kMaxValues) {
      refuse(node, context_,
             "expands to more than " + std::to_string(kMaxValues) +
                 " values (aliases repeated too often?)");
    }
    if (depth > kMaxDepth) {
      refuse(node, context_, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        try {
          // yaml-cpp tags plain scalars "?" and quoted ones "!": only plain ones are typed.
          if (node.Tag() == "?") return plainScalar(node.Scalar());
          if (node.Tag() == "!") return node.Scalar();
          return taggedScalar(node, context_);
        } catch (const std::out_of_range&) {
          refuse(node, context_, "number out of range");
        }
      case YAML::NodeType::Sequence: {
        requireCollectionTag(node, "seq");
        nlohmann::json a = nlohmann::json::array();
        for (const auto& item : node) a.push_back(convert(item, depth + 1));
        return a;
      }
      case YAML::NodeType::Map:
        requireCollectionTag(node, "map");
        return convertMap(node, depth);
    }
    return nullptr;
  }

 private:
  /// A sequence or mapping may carry no tag or its own core tag (`!!seq`, `!!map`); others
  /// (`!!set`, `!!omap`, `!!str [1]`, application tags) would change its meaning and are refused.
  void requireCollectionTag(const YAML::Node& node, const std::string& type) const {
    const std::string& tag = node.Tag();
    if (tag == "?" || tag == "!" || tag == kCoreTag + type) return;
    refuse(node, context_,
           "tag '" + tag + "' is not supported on a " + (type == "seq" ? "sequence" : "mapping"));
  }

  /// A mapping; a `<<` key merges the mappings it names (the YAML 1.1 merge key, used with
  /// anchors to share settings): keys given in the mapping itself win, then earlier merged
  /// mappings over later ones.
  nlohmann::json convertMap(const YAML::Node& node, int depth) {
    nlohmann::json o = nlohmann::json::object();
    std::vector<YAML::Node> merges;
    bool sawMerge = false;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) refuse(kv.first, context_, "a mapping key must be a plain value");
      const std::string& key = kv.first.Scalar();
      if (key == "<<" &&
          (kv.first.Tag() == "?" || kv.first.Tag() == kCoreTag + std::string("merge"))) {
        if (sawMerge) refuse(kv.first, context_, "key '<<' is given twice");
        sawMerge = true;
        if (kv.second.IsMap()) {
          merges.push_back(kv.second);
        } else if (kv.second.IsSequence()) {
          for (const auto& m : kv.second) {
            if (!m.IsMap()) refuse(m, context_, "'<<' merges mappings only");
            merges.push_back(m);
          }
        } else {
          refuse(kv.second, context_, "'<<' merges mappings only");
        }
        continue;
      }
      if (o.contains(key)) refuse(kv.first, context_, "key '" + key + "' is given twice");
      o[key] = convert(kv.second, depth + 1);
    }
    for (const auto& m : merges) {
      // Through convert(), so that merged mappings count against the value and depth limits
      // (a mapping that merges itself, or a chain of merges of merges, is refused, not followed).
      const nlohmann::json merged = convert(m, depth + 1);
      for (auto it = merged.begin(); it != merged.end(); ++it) {
        if (!o.contains(it.key())) o[it.key()] = it.value();
      }
    }
    return o;
  }

  const std::string& context_;
  std::size_t values_ = 0;
};

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
    const nlohmann::json j = YamlToJson(context).convert(documents.front());
    if (j.is_null()) throw Error(ErrorCode::InvalidConfiguration, context + ": empty");
    return j;
  } catch (const YAML::DeepRecursion& e) {
    throw atMark(context, e.mark, "nested too deeply");
  } catch (const YAML::Exception& e) {
    throw atMark(context, e.mark, "invalid YAML: " + e.msg);  // e.msg: the reason, no position
  }
}

nlohmann::json StructuredFileReader::read(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::FileUnreadable, path.string() + ": is a folder, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path, ec)) {
      throw Error(ErrorCode::FileNotFound, path.string() + ": file not found");
    }
    throw Error(ErrorCode::FileUnreadable, path.string() + ": cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (isYaml(path)) return fromYaml(text.str(), path.string());
  return JsonText::parse(text.str(), path.string());
}

}  // namespace medsight

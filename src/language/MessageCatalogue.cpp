#include "language/MessageCatalogue.h"

#include <unicode/fmtable.h>
#include <unicode/listformatter.h>
#include <unicode/msgfmt.h>

#include <fstream>
#include <memory>

#include "core/Error.h"

namespace medsight {

MessageCatalogue MessageCatalogue::load(const std::filesystem::path& path, TextLanguage language) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": message catalogue not found");
  nlohmann::json all;
  try {
    all = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::BadJson, path.string() + ": " + e.what());
  }
  const std::string code = language == TextLanguage::Chinese ? "zh" : "en";
  if (!all.is_object() || !all.contains(code) || !all[code].is_object() ||
      !all[code].contains("messages")) {
    throw Error(ErrorCode::InvalidConfiguration,
                path.string() + ": no \"" + code + "\" section with \"messages\"");
  }
  MessageCatalogue catalogue;
  catalogue.source_ = path.filename().string() + " [" + code + "]";
  catalogue.tables_ = all[code];
  catalogue.locale_ = catalogue.tables_.value("locale", code);
  return catalogue;
}

bool MessageCatalogue::has(const std::string& table, const std::string& key) const {
  return tables_.contains(table) && tables_[table].is_object() && tables_[table].contains(key) &&
         tables_[table][key].is_string();
}

std::string MessageCatalogue::format(const std::string& key,
                                     const MessageArguments& arguments) const {
  return formatEntry("messages", key, arguments);
}

std::string MessageCatalogue::formatEntry(const std::string& table, const std::string& key,
                                          const MessageArguments& arguments) const {
  if (!has(table, key)) {
    throw Error(ErrorCode::InvalidConfiguration,
                source_ + ": no entry \"" + key + "\" in \"" + table + "\"");
  }
  return formatPattern(tables_[table][key].get<std::string>(), table + "." + key, arguments);
}

std::string MessageCatalogue::formatPattern(const std::string& pattern, const std::string& what,
                                            const MessageArguments& arguments) const {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parseError{};
  icu::MessageFormat format(icu::UnicodeString::fromUTF8(pattern), icu::Locale(locale_.c_str()),
                            parseError, status);
  if (U_FAILURE(status)) {
    throw Error(ErrorCode::InvalidConfiguration,
                source_ + ": pattern " + what + " does not compile (" + u_errorName(status) +
                    " at offset " + std::to_string(parseError.offset) + ")");
  }
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  for (const auto& [name, value] : arguments) {
    names.push_back(icu::UnicodeString::fromUTF8(name));
    if (const auto* text = std::get_if<std::string>(&value)) {
      values.emplace_back(icu::UnicodeString::fromUTF8(*text));
    } else {
      values.emplace_back(std::get<double>(value));
    }
  }
  icu::UnicodeString result;
  format.format(names.data(), values.data(), static_cast<int32_t>(values.size()), result, status);
  if (U_FAILURE(status)) {
    throw Error(
        ErrorCode::InvalidConfiguration,
        source_ + ": pattern " + what + " cannot be formatted (" + u_errorName(status) + ")");
  }
  std::string out;
  result.toUTF8String(out);
  return out;
}

std::string MessageCatalogue::joinList(const std::vector<std::string>& items) const {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::ListFormatter> formatter(icu::ListFormatter::createInstance(
      icu::Locale(locale_.c_str()), ULISTFMT_TYPE_OR, ULISTFMT_WIDTH_WIDE, status));
  if (U_FAILURE(status) || !formatter) {
    throw Error(ErrorCode::Unavailable, std::string("ICU list formatter: ") + u_errorName(status));
  }
  std::vector<icu::UnicodeString> parts;
  for (const auto& item : items) parts.push_back(icu::UnicodeString::fromUTF8(item));
  icu::UnicodeString result;
  formatter->format(parts.data(), static_cast<int32_t>(parts.size()), result, status);
  std::string out;
  result.toUTF8String(out);
  return out;
}

}  // namespace medsight

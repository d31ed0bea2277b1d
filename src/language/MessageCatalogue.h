#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "language/FindingAttributes.h"

namespace medsight {

/// \brief Named arguments of an ICU message: text for select, numbers for plural.
using MessageArguments = std::vector<std::pair<std::string, std::variant<std::string, double>>>;

/// \brief One language's part of a message catalogue (data/language/patient_summary.json):
/// ICU MessageFormat patterns (plural and select rules of the locale, CLDR) plus word tables.
/// Nothing is generated freely: every sentence comes from a pattern in the file.
class MessageCatalogue {
 public:
  /// \brief Reads the `language` section of the catalogue file; throws FileNotFound,
  /// BadJson or InvalidConfiguration naming the file.
  static MessageCatalogue load(const std::filesystem::path& path, TextLanguage language);

  /// \brief Formats message `key` with `arguments`; throws InvalidConfiguration if the key is
  /// missing or its pattern does not compile.
  std::string format(const std::string& key, const MessageArguments& arguments) const;

  /// \brief Formats a pattern from a word table (e.g. a concept name with a count).
  std::string formatEntry(const std::string& table, const std::string& key,
                          const MessageArguments& arguments) const;

  /// \brief True when `table` has `key`.
  bool has(const std::string& table, const std::string& key) const;

  /// \brief Joins items as an "or" list in the locale ("a, b, or c"; "a、b或c") with ICU.
  std::string joinList(const std::vector<std::string>& items) const;

  /// \brief ICU locale id ("en", "zh").
  const std::string& locale() const { return locale_; }

 private:
  std::string formatPattern(const std::string& pattern, const std::string& what,
                            const MessageArguments& arguments) const;
  std::string locale_;
  std::string source_;
  nlohmann::json tables_;
};

}  // namespace medsight

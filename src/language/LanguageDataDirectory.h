#pragma once

#include <filesystem>
#include <string>

namespace medsight {

/// \brief Finds the folder of lexicons and message catalogues (data/language in the source
/// tree). Order: `$MEDSIGHT_LANGUAGE_DATA`; the source tree's data/language (compiled in);
/// `<executable>/../share/medsight/language` (installed layout).
class LanguageDataDirectory {
 public:
  /// \brief The folder; throws FileNotFound listing the places searched.
  static std::filesystem::path locate();
  /// \brief `locate()/name`, throwing FileNotFound naming the file if it is missing.
  static std::filesystem::path file(const std::string& name);
};

}  // namespace medsight

#include "language/LanguageDataDirectory.h"

#include <cstdlib>
#include <system_error>

#include "core/Error.h"

#ifndef MEDSIGHT_LANGUAGE_SOURCE_DATA
#define MEDSIGHT_LANGUAGE_SOURCE_DATA ""
#endif

namespace medsight {

std::filesystem::path LanguageDataDirectory::locate() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("MEDSIGHT_LANGUAGE_DATA"); env != nullptr && *env != 0) {
    if (!fs::is_directory(env, ec)) {
      throw Error(ErrorCode::FileNotFound,
                  std::string("MEDSIGHT_LANGUAGE_DATA=") + env + ": not a folder");
    }
    return env;
  }
  std::string searched;
  const fs::path source = MEDSIGHT_LANGUAGE_SOURCE_DATA;
  if (!source.empty()) {
    if (fs::is_regular_file(source / "triggers.tsv", ec)) return source;
    searched += source.string() + ", ";
  }
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "medsight" / "language";
    if (fs::is_regular_file(installed / "triggers.tsv", ec)) return installed;
    searched += installed.string() + ", ";
  }
  throw Error(ErrorCode::FileNotFound,
              "language data (triggers.tsv, concepts.tsv, ...) not found; searched " + searched +
                  "set MEDSIGHT_LANGUAGE_DATA to the data/language folder");
}

std::filesystem::path LanguageDataDirectory::file(const std::string& name) {
  const auto path = locate() / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": language data file missing");
  }
  return path;
}

}  // namespace medsight

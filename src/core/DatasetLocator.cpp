#include "core/DatasetLocator.h"

#include <cstdlib>
#include <vector>

#include "core/Version.h"

namespace medsight {
namespace {

std::vector<std::filesystem::path> candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("MEDSIGHT_DATA"); env != nullptr && *env != '\0') {
    // An explicit setting wins, even if it does not exist (the caller reports it).
    out.emplace_back(env);
    return out;
  }
  out.push_back(std::filesystem::path(kSourceDir) / ".." / "shared" / "datasets");
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  if (!ec) {
    const auto fromCwd = cwd / ".." / "shared" / "datasets";
    if (std::filesystem::weakly_canonical(fromCwd, ec) !=
        std::filesystem::weakly_canonical(out.front(), ec)) {
      out.push_back(fromCwd);
    }
  }
  return out;
}

}  // namespace

std::optional<std::filesystem::path> DatasetLocator::root() {
  for (const auto& c : candidates()) {
    std::error_code ec;
    if (std::filesystem::is_directory(c, ec)) return std::filesystem::weakly_canonical(c, ec);
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> DatasetLocator::find(const std::string& relative) {
  auto r = root();
  if (!r) return std::nullopt;
  std::error_code ec;
  auto p = *r / relative;
  if (std::filesystem::exists(p, ec)) return p;
  return std::nullopt;
}

std::string DatasetLocator::searchedPlaces() {
  std::string text;
  for (const auto& c : candidates()) {
    if (!text.empty()) text += ", ";
    text += c.string();
  }
  return text + " (set MEDSIGHT_DATA to override)";
}

}  // namespace medsight

#include "privacy/SafePrivateList.h"

#include <fstream>
#include <sstream>

#include "core/Error.h"

namespace medsight {
namespace detail {
extern const char* const kSafePrivateTsv;
}  // namespace detail

namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  const auto last = text.find_last_not_of(' ');
  return first == std::string_view::npos ? std::string()
                                         : std::string(text.substr(first, last - first + 1));
}

}  // namespace

const SafePrivateList& SafePrivateList::builtIn() {
  static const SafePrivateList list =
      parse(detail::kSafePrivateTsv, "data/privacy/safe_private.tsv");
  return list;
}

SafePrivateList SafePrivateList::parse(std::string_view tsv, const std::string& source) {
  SafePrivateList list;
  std::istringstream in{std::string(tsv)};
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#' || line.rfind("group\t", 0) == 0) continue;
    std::istringstream fields(line);
    std::string group, creator, element;
    if (!std::getline(fields, group, '\t') || !std::getline(fields, creator, '\t') ||
        !std::getline(fields, element, '\t')) {
      throw Error(ErrorCode::InvalidConfiguration, source + ":" + std::to_string(number) +
                                                       ": expected group<TAB>creator<TAB>element");
    }
    try {
      const unsigned long g = std::stoul(group, nullptr, 16);
      const unsigned long e = std::stoul(element, nullptr, 16);
      if (g > 0xFFFF || (g & 1) == 0 || e > 0xFF) throw std::out_of_range("range");
      list.entries_.emplace(static_cast<std::uint16_t>(g), trimmed(creator),
                            static_cast<std::uint8_t>(e));
    } catch (const std::logic_error&) {
      throw Error(ErrorCode::InvalidConfiguration,
                  source + ":" + std::to_string(number) +
                      ": group must be an odd hex group and element a hex byte (00-FF)");
    }
  }
  return list;
}

SafePrivateList SafePrivateList::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": safe private list not found");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

void SafePrivateList::merge(const SafePrivateList& other) {
  entries_.insert(other.entries_.begin(), other.entries_.end());
}

bool SafePrivateList::isSafe(std::uint16_t group, std::string_view creator,
                             std::uint8_t elementLow) const {
  return entries_.count({group, trimmed(creator), elementLow}) != 0;
}

}  // namespace medsight

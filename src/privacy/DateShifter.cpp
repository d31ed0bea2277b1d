#include "privacy/DateShifter.h"

#include <chrono>
#include <cstdio>

namespace medsight {
namespace {

bool allDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \0", 0, 2);
  const auto last = text.find_last_not_of(" \0", std::string_view::npos, 2);
  return first == std::string_view::npos ? std::string()
                                         : std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::optional<std::string> DateShifter::shiftOne(std::string_view raw) const {
  std::string text = trim(raw);
  if (text.size() == 10 && text[4] == '.' && text[7] == '.') {
    text = text.substr(0, 4) + text.substr(5, 2) + text.substr(8, 2);
  }
  if (text.size() != 8 || !allDigits(text)) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{year{std::stoi(text.substr(0, 4))},
                            month{static_cast<unsigned>(std::stoi(text.substr(4, 2)))},
                            day{static_cast<unsigned>(std::stoi(text.substr(6, 2)))}};
  if (!date.ok()) return std::nullopt;
  const year_month_day shifted{sys_days{date} + std::chrono::days{days_}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d%02u%02u", static_cast<int>(shifted.year()),
                static_cast<unsigned>(shifted.month()), static_cast<unsigned>(shifted.day()));
  return std::string(out);
}

std::optional<std::string> DateShifter::shiftDate(std::string_view value) const {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto sep = value.find('\\', start);
    const auto one = value.substr(start, sep == std::string_view::npos ? value.npos : sep - start);
    const auto shifted = shiftOne(one);
    if (!shifted) return std::nullopt;
    out += *shifted;
    if (sep == std::string_view::npos) break;
    out.push_back('\\');
    start = sep + 1;
  }
  return out;
}

std::optional<std::string> DateShifter::shiftDateTime(std::string_view value) const {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto sep = value.find('\\', start);
    const std::string one =
        trim(value.substr(start, sep == std::string_view::npos ? value.npos : sep - start));
    if (one.size() < 8) return std::nullopt;
    const auto date = shiftOne(one.substr(0, 8));
    if (!date) return std::nullopt;
    out += *date + one.substr(8);
    if (sep == std::string_view::npos) break;
    out.push_back('\\');
    start = sep + 1;
  }
  return out;
}

}  // namespace medsight

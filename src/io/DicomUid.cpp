#include "io/DicomUid.h"

#include <array>
#include <cstdint>
#include <random>

namespace medsight {

std::string generateDicomUid() {
  std::random_device rd;
  std::array<std::uint32_t, 4> words{rd(), rd(), rd(), rd()};
  // Version 4 and variant bits (RFC 4122 4.4).
  words[1] = (words[1] & 0xFFFF0FFFu) | 0x00004000u;
  words[2] = (words[2] & 0x3FFFFFFFu) | 0x80000000u;
  // 128-bit unsigned integer to decimal by repeated division of a base-2^32 number.
  std::string digits;
  while (words[0] | words[1] | words[2] | words[3]) {
    std::uint64_t remainder = 0;
    for (auto& w : words) {
      const std::uint64_t cur = (remainder << 32) | w;
      w = static_cast<std::uint32_t>(cur / 10);
      remainder = cur % 10;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + remainder));
  }
  return "2.25." + (digits.empty() ? std::string("0") : digits);
}

bool isValidDicomUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 64) return false;
  bool componentStart = true;
  for (std::size_t i = 0; i < uid.size(); ++i) {
    const char c = uid[i];
    if (c == '.') {
      if (componentStart) return false;
      componentStart = true;
    } else if (c >= '0' && c <= '9') {
      if (componentStart && c == '0' && i + 1 < uid.size() && uid[i + 1] != '.') return false;
      componentStart = false;
    } else {
      return false;
    }
  }
  return !componentStart;
}

}  // namespace medsight

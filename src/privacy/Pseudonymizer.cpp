#include "privacy/Pseudonymizer.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/Error.h"

namespace medsight {
namespace {

using Digest = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Digest hmac(const KeyFile::SubKey& key, std::string_view domain, std::string_view value) {
  // Domain and value are length-prefixed so ("ab","c") and ("a","bc") never collide.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  const std::uint64_t lengths[2] = {domain.size(), value.size()};
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(&lengths[0]), 8);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(domain.data()),
                                domain.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(&lengths[1]), 8);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
  Digest out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  return out;
}

std::string upperHex(const unsigned char* bytes, std::size_t count) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(2 * count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

}  // namespace

Pseudonymizer::Pseudonymizer(const KeyFile& key)
    : pseudonymKey_(key.derive("pseudonym")),
      uidKey_(key.derive("uid")),
      dateKey_(key.derive("dateshift")) {}

std::string Pseudonymizer::patientPseudonym(std::string_view issuer,
                                            std::string_view patientId) const {
  std::string value(issuer);
  value.push_back('\x1f');
  value.append(patientId);
  const Digest d = hmac(pseudonymKey_, "patient", value);
  return "MS" + upperHex(d.data(), 8);
}

std::string Pseudonymizer::replaceUid(std::string_view uid) const {
  const Digest d = hmac(uidKey_, "uid", uid);
  unsigned __int128 n = 0;
  for (int i = 0; i < 16; ++i) n = (n << 8) | d[i];
  // Mark the value as a RFC 4122 version-4-style UUID (variant and version bits) as PS3.5 B.2
  // expects of 2.25 UIDs.
  n &= ~(static_cast<unsigned __int128>(0xF) << 76);
  n |= static_cast<unsigned __int128>(0x4) << 76;
  n &= ~(static_cast<unsigned __int128>(0x3) << 62);
  n |= static_cast<unsigned __int128>(0x2) << 62;
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(n % 10)));
    n /= 10;
  } while (n != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

int Pseudonymizer::dateShiftDays(std::string_view patientKey) const {
  const Digest d = hmac(dateKey_, "dateshift", patientKey);
  const std::uint32_t n =
      (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) | d[3];
  return -static_cast<int>(n % 3650) - 1;
}

std::string Pseudonymizer::token(std::string_view domain, std::string_view value,
                                 std::size_t hexDigits) const {
  if (hexDigits == 0 || hexDigits > 64) {
    throw Error(ErrorCode::InvalidArgument, "pseudonym token: length must be 1..64 hex digits");
  }
  const Digest d = hmac(pseudonymKey_, domain, value);
  return upperHex(d.data(), (hexDigits + 1) / 2).substr(0, hexDigits);
}

}  // namespace medsight

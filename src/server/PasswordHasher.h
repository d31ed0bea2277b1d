#pragma once

#include <string>

namespace medsight {

/// \brief Password hashing with Argon2id (libsodium crypto_pwhash_str, RFC 9106), and random
/// session tokens. Hash strings carry their own salt and cost parameters.
class PasswordHasher {
 public:
  /// \brief Hashes a password; throws InvalidArgument for passwords shorter than 8 bytes.
  static std::string hash(const std::string& password);
  /// \brief True if `password` matches `hash` (constant time in the password).
  static bool verify(const std::string& hash, const std::string& password);
  /// \brief A new random session token (256 bits, hex).
  static std::string newToken();
  /// \brief SHA-256 of a token as stored in the database (tokens themselves are never stored).
  static std::string tokenHash(const std::string& token);
};

}  // namespace medsight

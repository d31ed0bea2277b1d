#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "privacy/KeyFile.h"

namespace medsight {

/// \brief Encryption at rest for stored studies and results (envelope encryption).
///
/// Each file gets its own random 256-bit file key; the content is encrypted with libsodium's
/// secretstream (XChaCha20-Poly1305, 64 KiB authenticated chunks, the last one tagged FINAL) and
/// the file key is wrapped with XChaCha20-Poly1305 AEAD under the master key's "at-rest" sub-key.
/// Format: "MSENC1\0\0" | key fingerprint (8) | wrap nonce (24) | wrapped key (48) |
/// secretstream header (24) | chunks. Any edited, reordered, truncated or extended byte, or a
/// different master key, is detected and refused with IntegrityViolation (KeyMissing for a
/// wrong key); nothing is written for such input. Re-keying the master only rewraps 48 bytes.
/// Thread-safe: all methods are const.
class AtRestCipher {
 public:
  /// \brief A cipher using `master`'s "at-rest" sub-key.
  explicit AtRestCipher(const KeyFile& master);

  /// \brief Encrypts a stream; `name` labels errors.
  void encrypt(std::istream& plain, std::ostream& sealed, const std::string& name) const;
  /// \brief Decrypts a stream; throws IntegrityViolation on any tampering. Plaintext is
  /// written chunk by chunk, so callers writing to files must stage them (decryptFile does).
  void decrypt(std::istream& sealed, std::ostream& plain, const std::string& name) const;

  /// \brief Encrypts bytes in memory.
  std::string encrypt(std::string_view plain) const;
  /// \brief Decrypts bytes in memory.
  std::string decrypt(std::string_view sealed, const std::string& name) const;

  /// \brief Encrypts a file into `sealed` (atomic write; the input is never modified).
  void encryptFile(const std::filesystem::path& plain, const std::filesystem::path& sealed) const;
  /// \brief Decrypts a file into `plain` (atomic: nothing appears unless fully authentic).
  void decryptFile(const std::filesystem::path& sealed, const std::filesystem::path& plain) const;

  /// \brief True if the file starts with the MedSight encrypted-file magic.
  static bool isSealed(const std::filesystem::path& path);

 private:
  KeyFile::SubKey wrapKey_;
  std::string fingerprint_;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <span>
#include <string>

namespace medsight {

/// \brief SHA-256 digests (FIPS 180-4) as lower-case hex, through OpenSSL's EVP interface. Used
/// to pin model weights, dataset contents and audit records.
class Sha256 {
 public:
  /// \brief Digest of a byte buffer.
  static std::string ofBytes(std::span<const std::byte> bytes);
  /// \brief Digest of a string.
  static std::string ofString(const std::string& text);
  /// \brief Digest of a file, streamed; throws FileNotFound/FileUnreadable.
  static std::string ofFile(const std::filesystem::path& path);
};

}  // namespace medsight

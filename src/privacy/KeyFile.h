#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace medsight {

/// \brief A 256-bit project secret kept in a file readable only by its owner (mode 0600).
/// Every keyed operation of the privacy module (pseudonyms, UID replacement, date shifts,
/// encryption at rest, keyed audit chain) uses a sub-key derived from it for that purpose only,
/// so one leaked sub-key does not expose the others.
class KeyFile {
 public:
  /// \brief Size of the key and of every derived sub-key in bytes.
  static constexpr std::size_t kKeyBytes = 32;
  /// \brief One derived sub-key.
  using SubKey = std::array<unsigned char, kKeyBytes>;

  /// \brief Reads a key file; throws KeyMissing if it is absent, not 32 bytes, or readable by
  /// group or others (a key that others can read no longer protects anything).
  static KeyFile load(const std::filesystem::path& path);
  /// \brief Creates a new random key file with mode 0600; throws Conflict if it already exists
  /// (never overwrite a key: every pseudonym made with it would be lost).
  static KeyFile create(const std::filesystem::path& path);
  /// \brief A key from raw bytes (tests, keys held by a vault); throws KeyMissing if not 32 bytes.
  static KeyFile fromBytes(std::string_view bytes, std::string label = "<memory>");

  KeyFile(const KeyFile& other) = default;
  KeyFile& operator=(const KeyFile& other) = default;
  ~KeyFile();

  /// \brief The sub-key for one purpose ("pseudonym", "uid", "dateshift", "at-rest", "audit").
  SubKey derive(std::string_view purpose) const;
  /// \brief Short public fingerprint (16 hex digits) that names the key without revealing it.
  std::string fingerprint() const;
  /// \brief Where the key came from (file path or label), for messages.
  const std::string& label() const { return label_; }

 private:
  KeyFile(const SubKey& key, std::string label) : key_(key), label_(std::move(label)) {}
  SubKey key_{};
  std::string label_;
};

}  // namespace medsight

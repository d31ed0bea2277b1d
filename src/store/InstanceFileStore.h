#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/AtRestCipher.h"

namespace medsight {

/// \brief Where a stored file went.
struct StoredFile {
  std::string fileName;  ///< relative to the store root
  std::string sha256;    ///< of the plaintext
  std::int64_t bytes = 0;
};

/// \brief DICOM files on disk, encrypted at rest with AtRestCipher (XChaCha20-Poly1305 per
/// file key), named by the SHA-256 of their plaintext under `objects/ab/`. A file is written
/// to a temporary name, fsynced, renamed and its folder fsynced before store() returns, so the
/// database row committed afterwards never points at a missing or partial file. Files of writes
/// that died before their row was committed are swept at start-up.
class InstanceFileStore {
 public:
  /// \brief Files under `root` (created, mode 0700), encrypted with `cipher`.
  InstanceFileStore(std::filesystem::path root, AtRestCipher cipher);

  /// \brief Encrypts and durably writes `plain`; returns its name and hash.
  StoredFile store(std::string_view plain) const;
  /// \brief Reads and decrypts a stored file; throws FileNotFound or IntegrityViolation.
  std::string read(const std::string& fileName) const;
  /// \brief Decrypts a stored file to `target` (e.g. a scratch folder for readers that need a
  /// path); atomic.
  void extract(const std::string& fileName, const std::filesystem::path& target) const;
  /// \brief Removes stored files not in `referenced` and older than `minAgeSeconds` (files of
  /// interrupted ingests), plus temporaries; returns how many were removed.
  std::size_t sweepUnreferenced(const std::vector<std::string>& referenced,
                                int minAgeSeconds = 0) const;
  /// \brief The root folder.
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  AtRestCipher cipher_;
};

}  // namespace medsight

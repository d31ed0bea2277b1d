#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace medsight::fuzz {

/// \brief The file a fuzz input is written to before a path-based reader opens it. One file per
/// process, in /dev/shm when it exists (no disk I/O per execution), removed at exit.
class FuzzInputFile {
 public:
  /// \brief Prepares `<dir>/medsight-fuzz-<pid><suffix>`; the suffix (".dcm", ".nii", ".npz")
  /// matters only to readers that look at names.
  explicit FuzzInputFile(const std::string& suffix);
  ~FuzzInputFile();
  FuzzInputFile(const FuzzInputFile&) = delete;
  FuzzInputFile& operator=(const FuzzInputFile&) = delete;

  /// \brief Replaces the file's content with the input and returns its path.
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size);

 private:
  std::filesystem::path path_;
};

}  // namespace medsight::fuzz

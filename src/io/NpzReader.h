#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/NpyArray.h"

namespace medsight {

/// \brief Reads NumPy `.npz` archives (zip with stored or deflated `.npy` entries), as written by
/// `numpy.savez`/`savez_compressed` and used by MedMNIST. Entry sizes are checked against the
/// MemoryBudget before decompressing, and decompression stops at the declared size.
class NpzReader {
 public:
  /// \brief Opens the archive; throws FileNotFound or CorruptData.
  explicit NpzReader(const std::filesystem::path& path);
  ~NpzReader();
  NpzReader(NpzReader&&) noexcept;
  NpzReader& operator=(NpzReader&&) noexcept;

  /// \brief Array names without the ".npy" suffix, in archive order.
  std::vector<std::string> arrayNames() const;
  /// \brief True if the archive holds the array.
  bool contains(const std::string& name) const;
  /// \brief Reads one array; throws NotFound if absent, CorruptData if malformed.
  NpyArray read(const std::string& name) const;

  /// \brief Reads a standalone `.npy` file.
  static NpyArray readNpy(const std::filesystem::path& path);

 private:
  struct Archive;
  std::unique_ptr<Archive> archive_;
  std::string path_;
};

}  // namespace medsight

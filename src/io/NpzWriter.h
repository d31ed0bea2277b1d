#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace medsight {

/// \brief Writes NumPy `.npz` archives readable by `numpy.load` (arrays in C order, little
/// endian, `.npy` format 1.0), e.g. exported datasets, predictions or embeddings.
class NpzWriter {
 public:
  /// \brief Starts an archive; nothing is written until close().
  explicit NpzWriter(std::filesystem::path path, bool compress = true);

  /// \brief Adds an array. `descr` is a NumPy dtype string ("|u1", "<i2", "<f4", "<f8", "<i8");
  /// `bytes` must hold prod(shape) elements of that type in C order.
  void add(const std::string& name, const std::string& descr, const std::vector<std::size_t>& shape,
           std::span<const std::byte> bytes);
  /// \brief Adds a float32 array.
  void addFloat32(const std::string& name, const std::vector<std::size_t>& shape,
                  std::span<const float> values);
  /// \brief Adds an int64 array (labels).
  void addInt64(const std::string& name, const std::vector<std::size_t>& shape,
                std::span<const std::int64_t> values);
  /// \brief Writes the archive atomically; throws FileWriteFailed.
  void close();

  /// \brief The `.npy` encoding (header + data) of one array, format version 1.0 (or 2.0 when
  /// the header is too long for 1.0).
  static std::vector<std::byte> encodeNpy(const std::string& descr,
                                          const std::vector<std::size_t>& shape,
                                          std::span<const std::byte> bytes,
                                          bool fortranOrder = false);

 private:
  struct Entry {
    std::string name;
    std::vector<std::byte> npy;
  };
  std::filesystem::path path_;
  bool compress_;
  std::vector<Entry> entries_;
};

}  // namespace medsight

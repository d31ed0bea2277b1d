#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief An n-dimensional array read from a NumPy `.npy` file or `.npz` entry, held in C
/// (row-major) order and native byte order whatever the file used.
class NpyArray {
 public:
  /// \brief Element kind from the dtype string: 'u' unsigned, 'i' signed, 'f' float, 'b' bool.
  char kind() const { return kind_; }
  /// \brief Bytes per element.
  std::size_t itemSize() const { return itemSize_; }
  /// \brief The dtype as written in the file, e.g. "|u1", "<f4".
  const std::string& descr() const { return descr_; }
  /// \brief Extents, slowest-varying first (NumPy order).
  const std::vector<std::size_t>& shape() const { return shape_; }
  /// \brief Number of elements.
  std::size_t elementCount() const;
  /// \brief Raw element bytes in C order.
  std::span<const std::byte> bytes() const { return {data_.get(), bytes_}; }
  /// \brief Element i converted to double.
  double valueAt(std::size_t i) const;
  /// \brief All elements as int64 (labels); throws CorruptData for non-integral floats.
  std::vector<std::int64_t> asInt64() const;
  /// \brief The matching Image pixel type; throws UnsupportedFormat (e.g. int64, bool).
  PixelType pixelType() const;

  /// \brief Number of images when the first axis indexes images: shape (N,H,W), (N,H,W,C) or
  /// (N,D,H,W).
  std::size_t imageCount() const;
  /// \brief Image `index` of a stack; (N,H,W,C) with C in {1,3,4} gives components, (N,D,H,W)
  /// gives 3D. Spacing 1 mm (NumPy arrays have no geometry).
  Image image(std::size_t index) const;

  /// \brief Parses a complete `.npy` byte stream (format versions 1.0, 2.0, 3.0).
  /// `name` is used in error messages.
  static NpyArray parse(std::span<const std::byte> npy, const std::string& name);
  /// \brief Parses only the header; returns the array with shape/dtype and no data, and the
  /// offset where data starts. Lets callers check sizes before reading the data.
  static NpyArray parseHeader(std::span<const std::byte> head, const std::string& name,
                              std::size_t* dataOffset);
  /// \brief Fills the data of a header-only array from raw bytes in file order.
  void adoptData(std::span<const std::byte> raw, const std::string& name);
  /// \brief Bytes the data section must have according to the header.
  std::size_t expectedDataBytes() const { return elementCount() * itemSize_; }

 private:
  char kind_ = 'u';
  std::size_t itemSize_ = 1;
  bool bigEndian_ = false;
  bool fortranOrder_ = false;
  std::string descr_;
  std::vector<std::size_t> shape_;
  std::shared_ptr<std::byte> data_;
  std::size_t bytes_ = 0;
};

}  // namespace medsight

#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "core/Error.h"
#include "core/ImageGeometry.h"
#include "core/PixelType.h"

namespace medsight {

/// \brief Free-form key/value metadata (DICOM keywords, provenance, preprocessing records).
using MetadataDictionary = std::map<std::string, std::string>;

/// \brief Extent of an image: x (columns), y (rows), z (slices), t (frames).
struct ImageSize {
  std::size_t x = 0, y = 0, z = 1, t = 1;
  bool operator==(const ImageSize&) const = default;
};

/// \brief A 2D or 3D image, optionally with frames (time) and interleaved components (RGB),
/// that always carries its geometry, modality and metadata.
///
/// Memory layout is component-fastest, then x, y, z, t (the ITK and DICOM order). Copying an
/// Image copies its pixels; views to ITK and LibTorch share the buffer without copying
/// (see ItkImageBridge.h and TensorBridge.h).
class Image {
 public:
  /// \brief An empty image (no pixels).
  Image() = default;
  /// \brief Allocates zero-filled pixels; throws TooLarge when over the MemoryBudget.
  Image(PixelType type, ImageSize size, int spatialDimension, int components = 1,
        ImageGeometry geometry = {});
  /// \brief Wraps an existing buffer without copying; `buffer` must hold exactly the bytes the
  /// size implies. Used by the ITK/torch bridges and readers to adopt memory.
  static Image adopt(std::shared_ptr<std::byte> buffer, std::size_t bytes, PixelType type,
                     ImageSize size, int spatialDimension, int components, ImageGeometry geometry);

  Image(const Image& other);
  Image& operator=(const Image& other);
  Image(Image&&) noexcept = default;
  Image& operator=(Image&&) noexcept = default;

  /// \brief True if the image has no pixels.
  bool empty() const { return bytes_ == 0; }
  /// \brief Sample type.
  PixelType pixelType() const { return type_; }
  /// \brief Extents along x, y, z, t.
  const ImageSize& size() const { return size_; }
  /// \brief 2 or 3 (spatial axes; frames are separate).
  int spatialDimension() const { return spatialDimension_; }
  /// \brief Samples per pixel (1 for grey, 3 for RGB).
  int components() const { return components_; }
  /// \brief Pixels per frame (x*y*z).
  std::size_t voxelsPerFrame() const { return size_.x * size_.y * size_.z; }
  /// \brief Total number of samples (voxels * frames * components).
  std::size_t sampleCount() const;
  /// \brief Buffer size in bytes.
  std::size_t byteSize() const { return bytes_; }

  /// \brief Geometry (spacing, origin, direction).
  const ImageGeometry& geometry() const { return geometry_; }
  /// \brief Mutable geometry; keep it consistent with the pixels.
  ImageGeometry& geometry() { return geometry_; }
  /// \brief DICOM modality code ("CT", "MR", "PT", "CR", "DX", "MG", "US", "OT", or "").
  const std::string& modality() const { return modality_; }
  /// \brief Sets the modality code.
  void setModality(std::string modality) { modality_ = std::move(modality); }
  /// \brief Metadata dictionary (copied with the image).
  const MetadataDictionary& metadata() const { return metadata_; }
  /// \brief Mutable metadata dictionary.
  MetadataDictionary& metadata() { return metadata_; }

  /// \brief Raw bytes.
  std::span<const std::byte> bytes() const { return {data_.get(), bytes_}; }
  /// \brief Mutable raw bytes.
  std::span<std::byte> bytes() { return {data_.get(), bytes_}; }
  /// \brief The shared buffer (for zero-copy bridges).
  const std::shared_ptr<std::byte>& sharedBuffer() const { return data_; }

  /// \brief Typed samples; throws PixelTypeMismatch if T is not the pixel type.
  template <class T>
  std::span<const T> pixels() const {
    requireType(pixelTypeOf<T>());
    return {reinterpret_cast<const T*>(data_.get()), sampleCount()};
  }
  /// \brief Mutable typed samples; throws PixelTypeMismatch if T is not the pixel type.
  template <class T>
  std::span<T> pixels() {
    requireType(pixelTypeOf<T>());
    return {reinterpret_cast<T*>(data_.get()), sampleCount()};
  }

  /// \brief Linear sample index of (x, y, z, t, component); bounds are checked.
  std::size_t offset(std::size_t x, std::size_t y, std::size_t z = 0, std::size_t t = 0,
                     int component = 0) const;
  /// \brief Any sample as double, whatever the pixel type.
  double valueAt(std::size_t x, std::size_t y, std::size_t z = 0, std::size_t t = 0,
                 int component = 0) const;
  /// \brief Writes a sample from a double (rounded and clamped for integer types).
  void setValueAt(double value, std::size_t x, std::size_t y, std::size_t z = 0, std::size_t t = 0,
                  int component = 0);

  /// \brief Copy with samples converted to `type` (rounded and clamped for integer types).
  Image castTo(PixelType type) const;
  /// \brief Minimum and maximum sample over the whole image.
  std::pair<double, double> minMax() const;
  /// \brief One frame of a time series as its own image (same geometry).
  Image frame(std::size_t t) const;
  /// \brief True when both images have the same size, dimension and geometry (within tol).
  bool sameGrid(const Image& other, double tolerance = 1e-4) const;

 private:
  void requireType(PixelType expected) const;

  PixelType type_ = PixelType::UInt8;
  ImageSize size_{0, 0, 1, 1};
  int spatialDimension_ = 2;
  int components_ = 1;
  ImageGeometry geometry_;
  std::string modality_;
  MetadataDictionary metadata_;
  std::shared_ptr<std::byte> data_;
  std::size_t bytes_ = 0;
};

}  // namespace medsight

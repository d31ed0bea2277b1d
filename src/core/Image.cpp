#include "core/Image.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/MemoryBudget.h"

namespace medsight {
namespace {

void validateShape(const ImageSize& size, int spatialDimension, int components) {
  if (spatialDimension != 2 && spatialDimension != 3) {
    throw Error(ErrorCode::InvalidArgument,
                "image: spatial dimension must be 2 or 3, got " + std::to_string(spatialDimension));
  }
  if (spatialDimension == 2 && size.z != 1) {
    throw Error(ErrorCode::InvalidArgument, "image: a 2D image must have z = 1");
  }
  if (components < 1 || components > 4) {
    throw Error(ErrorCode::InvalidArgument,
                "image: components must be 1..4, got " + std::to_string(components));
  }
  if (size.x == 0 || size.y == 0 || size.z == 0 || size.t == 0) {
    throw Error(ErrorCode::EmptyInput, "image: every extent must be at least 1");
  }
}

template <class T>
T clampRound(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T{0};
    const double r = std::nearbyint(v);
    if (r <= static_cast<double>(std::numeric_limits<T>::lowest())) {
      return std::numeric_limits<T>::lowest();
    }
    if (r >= static_cast<double>(std::numeric_limits<T>::max())) {
      return std::numeric_limits<T>::max();
    }
    return static_cast<T>(r);
  }
}

std::shared_ptr<std::byte> allocateBuffer(std::size_t bytes) {
  // make_shared<T[]> value-initialises, so new images start at zero.
  std::shared_ptr<std::byte[]> array = std::make_shared<std::byte[]>(bytes);
  return std::shared_ptr<std::byte>(array, array.get());
}

}  // namespace

Image::Image(PixelType type, ImageSize size, int spatialDimension, int components,
             ImageGeometry geometry)
    : type_(type),
      size_(size),
      spatialDimension_(spatialDimension),
      components_(components),
      geometry_(geometry) {
  validateShape(size, spatialDimension, components);
  bytes_ = MemoryBudget::checkedBytes(
      "image", bytesPerSample(type),
      {size.x, size.y, size.z, size.t, static_cast<std::uint64_t>(components)});
  data_ = allocateBuffer(bytes_);
}

Image Image::adopt(std::shared_ptr<std::byte> buffer, std::size_t bytes, PixelType type,
                   ImageSize size, int spatialDimension, int components, ImageGeometry geometry) {
  validateShape(size, spatialDimension, components);
  const auto expected = MemoryBudget::checkedBytes(
      "image", bytesPerSample(type),
      {size.x, size.y, size.z, size.t, static_cast<std::uint64_t>(components)});
  if (expected != bytes || !buffer) {
    throw Error(ErrorCode::Internal, "Image::adopt: buffer of " + std::to_string(bytes) +
                                         " bytes does not match the expected " +
                                         std::to_string(expected));
  }
  Image image;
  image.type_ = type;
  image.size_ = size;
  image.spatialDimension_ = spatialDimension;
  image.components_ = components;
  image.geometry_ = geometry;
  image.data_ = std::move(buffer);
  image.bytes_ = bytes;
  return image;
}

Image::Image(const Image& other)
    : type_(other.type_),
      size_(other.size_),
      spatialDimension_(other.spatialDimension_),
      components_(other.components_),
      geometry_(other.geometry_),
      modality_(other.modality_),
      metadata_(other.metadata_),
      bytes_(other.bytes_) {
  if (bytes_ > 0) {
    data_ = allocateBuffer(bytes_);
    std::memcpy(data_.get(), other.data_.get(), bytes_);
  }
}

Image& Image::operator=(const Image& other) {
  if (this != &other) {
    Image copy(other);
    *this = std::move(copy);
  }
  return *this;
}

std::size_t Image::sampleCount() const {
  return voxelsPerFrame() * size_.t * static_cast<std::size_t>(components_);
}

std::size_t Image::offset(std::size_t x, std::size_t y, std::size_t z, std::size_t t,
                          int component) const {
  if (x >= size_.x || y >= size_.y || z >= size_.z || t >= size_.t || component < 0 ||
      component >= components_) {
    throw Error(ErrorCode::InvalidArgument, "image: index out of bounds");
  }
  return (((t * size_.z + z) * size_.y + y) * size_.x + x) * components_ + component;
}

double Image::valueAt(std::size_t x, std::size_t y, std::size_t z, std::size_t t,
                      int component) const {
  const std::size_t i = offset(x, y, z, t, component);
  return visitPixelType(type_, [&](auto tag) -> double {
    using T = decltype(tag);
    return static_cast<double>(reinterpret_cast<const T*>(data_.get())[i]);
  });
}

void Image::setValueAt(double value, std::size_t x, std::size_t y, std::size_t z, std::size_t t,
                       int component) {
  const std::size_t i = offset(x, y, z, t, component);
  visitPixelType(type_, [&](auto tag) {
    using T = decltype(tag);
    reinterpret_cast<T*>(data_.get())[i] = clampRound<T>(value);
  });
}

Image Image::castTo(PixelType type) const {
  if (empty()) return *this;
  Image out(type, size_, spatialDimension_, components_, geometry_);
  out.modality_ = modality_;
  out.metadata_ = metadata_;
  const std::size_t n = sampleCount();
  visitPixelType(type_, [&](auto inTag) {
    using In = decltype(inTag);
    const In* src = reinterpret_cast<const In*>(data_.get());
    visitPixelType(type, [&](auto outTag) {
      using Out = decltype(outTag);
      Out* dst = reinterpret_cast<Out*>(out.data_.get());
      for (std::size_t i = 0; i < n; ++i) dst[i] = clampRound<Out>(static_cast<double>(src[i]));
    });
  });
  return out;
}

std::pair<double, double> Image::minMax() const {
  if (empty()) throw Error(ErrorCode::EmptyInput, "image: minMax of an empty image");
  return visitPixelType(type_, [&](auto tag) {
    using T = decltype(tag);
    const T* p = reinterpret_cast<const T*>(data_.get());
    if constexpr (std::is_floating_point_v<T>) {
      // NaN compares false with everything, which would make minmax_element's answer depend on
      // where the NaN sits; the range is that of the finite samples (NaN when there are none).
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (std::size_t i = 0; i < sampleCount(); ++i) {
        if (!std::isfinite(p[i])) continue;
        lo = std::min(lo, static_cast<double>(p[i]));
        hi = std::max(hi, static_cast<double>(p[i]));
      }
      if (lo > hi) lo = hi = std::numeric_limits<double>::quiet_NaN();
      return std::pair<double, double>(lo, hi);
    } else {
      const auto [lo, hi] = std::minmax_element(p, p + sampleCount());
      return std::pair<double, double>(static_cast<double>(*lo), static_cast<double>(*hi));
    }
  });
}

Image Image::frame(std::size_t t) const {
  if (t >= size_.t) {
    throw Error(ErrorCode::InvalidArgument, "image: frame " + std::to_string(t) +
                                                " out of range (" + std::to_string(size_.t) +
                                                " frames)");
  }
  ImageSize s = size_;
  s.t = 1;
  Image out(type_, s, spatialDimension_, components_, geometry_);
  out.modality_ = modality_;
  out.metadata_ = metadata_;
  const std::size_t frameBytes = bytes_ / size_.t;
  std::memcpy(out.data_.get(), data_.get() + t * frameBytes, frameBytes);
  return out;
}

bool Image::sameGrid(const Image& other, double tolerance) const {
  return size_.x == other.size_.x && size_.y == other.size_.y && size_.z == other.size_.z &&
         spatialDimension_ == other.spatialDimension_ &&
         geometry_.approxEqual(other.geometry_, tolerance);
}

void Image::requireType(PixelType expected) const {
  if (expected != type_) {
    throw Error(ErrorCode::PixelTypeMismatch, "image holds " + std::string(pixelTypeName(type_)) +
                                                  " samples, not " +
                                                  std::string(pixelTypeName(expected)));
  }
}

}  // namespace medsight

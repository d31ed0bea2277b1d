#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/Error.h"

namespace medsight {

/// \brief Sample types an Image can hold (DICOM, NIfTI and NumPy cover these).
enum class PixelType : std::uint8_t { UInt8, Int8, UInt16, Int16, UInt32, Int32, Float32, Float64 };

/// \brief Size in bytes of one sample of the type.
std::size_t bytesPerSample(PixelType type);

/// \brief Lower-case name ("uint8", "float32") used in manifests and JSON.
std::string_view pixelTypeName(PixelType type);

/// \brief Parses a name produced by pixelTypeName; throws InvalidArgument otherwise.
PixelType pixelTypeFromName(std::string_view name);

/// \brief True for Float32 and Float64.
bool isFloatingPoint(PixelType type);

/// \brief The PixelType of a C++ sample type.
template <class T>
constexpr PixelType pixelTypeOf() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return PixelType::UInt8;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return PixelType::Int8;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return PixelType::UInt16;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return PixelType::Int16;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return PixelType::UInt32;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return PixelType::Int32;
  else if constexpr (std::is_same_v<T, float>)
    return PixelType::Float32;
  else if constexpr (std::is_same_v<T, double>)
    return PixelType::Float64;
  else
    static_assert(!sizeof(T), "unsupported pixel type");
}

/// \brief Calls fn with a value-initialised sample of the C++ type matching `type`
/// (e.g. `visitPixelType(t, [&](auto tag) { using T = decltype(tag); ... })`).
template <class Fn>
decltype(auto) visitPixelType(PixelType type, Fn&& fn) {
  switch (type) {
    case PixelType::UInt8:
      return fn(std::uint8_t{});
    case PixelType::Int8:
      return fn(std::int8_t{});
    case PixelType::UInt16:
      return fn(std::uint16_t{});
    case PixelType::Int16:
      return fn(std::int16_t{});
    case PixelType::UInt32:
      return fn(std::uint32_t{});
    case PixelType::Int32:
      return fn(std::int32_t{});
    case PixelType::Float32:
      return fn(float{});
    case PixelType::Float64:
      return fn(double{});
  }
  throw Error(ErrorCode::Internal, "visitPixelType: invalid pixel type value");
}

}  // namespace medsight

#include "core/PixelType.h"

#include <array>
#include <string>

namespace medsight {
namespace {

struct PixelTypeRow {
  PixelType type;
  std::string_view name;
  std::size_t bytes;
};

constexpr std::array<PixelTypeRow, 8> kRows = {{
    {PixelType::UInt8, "uint8", 1},
    {PixelType::Int8, "int8", 1},
    {PixelType::UInt16, "uint16", 2},
    {PixelType::Int16, "int16", 2},
    {PixelType::UInt32, "uint32", 4},
    {PixelType::Int32, "int32", 4},
    {PixelType::Float32, "float32", 4},
    {PixelType::Float64, "float64", 8},
}};

const PixelTypeRow& row(PixelType type) {
  const auto index = static_cast<std::size_t>(type);
  if (index >= kRows.size()) throw Error(ErrorCode::Internal, "invalid pixel type value");
  return kRows[index];
}

}  // namespace

std::size_t bytesPerSample(PixelType type) {
  return row(type).bytes;
}

std::string_view pixelTypeName(PixelType type) {
  return row(type).name;
}

PixelType pixelTypeFromName(std::string_view name) {
  for (const auto& r : kRows) {
    if (r.name == name) return r.type;
  }
  throw Error(ErrorCode::InvalidArgument, "unknown pixel type '" + std::string(name) + "'");
}

bool isFloatingPoint(PixelType type) {
  return type == PixelType::Float32 || type == PixelType::Float64;
}

}  // namespace medsight

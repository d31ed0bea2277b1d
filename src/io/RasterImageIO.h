#pragma once

#include <filesystem>

#include "core/Image.h"

namespace medsight {

/// \brief PNG (8/16-bit, grey/RGB, palette expanded) and JPEG (8-bit grey/RGB) files through
/// libpng and libjpeg, with dimensions checked against the MemoryBudget before decoding.
/// Values are read as stored: no gamma or colour-profile conversion (medical PNGs are data).
class RasterImageIO {
 public:
  /// \brief Reads a PNG or JPEG (detected by signature). Alpha is dropped; grey stays 1
  /// component, colour becomes 3. Geometry: 1 mm spacing (raster files carry none), unless a
  /// PNG pHYs chunk in metres gives a physical pixel size.
  static Image read(const std::filesystem::path& path);
  /// \brief Writes a 2D uint8 or uint16 image with 1 or 3 components as PNG (atomically).
  static void writePng(const Image& image, const std::filesystem::path& path);
  /// \brief Writes a 2D uint8 image with 1 or 3 components as JPEG at `quality` (1..100).
  static void writeJpeg(const Image& image, const std::filesystem::path& path, int quality = 92);
};

}  // namespace medsight

#include "io/RasterImageIO.h"

#include <jpeglib.h>
// jpeglib.h first: jerror.h needs its types.
#include <jerror.h>
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/MemoryBudget.h"

namespace medsight {
namespace {

// libpng and libjpeg report errors by longjmp; the decoding functions below are written in a C
// style (no C++ objects with destructors alive across setjmp) and hand back malloc'ed pixels.

struct RawRaster {
  unsigned width = 0, height = 0, channels = 0, bitDepth = 0;
  unsigned char* pixels = nullptr;  // malloc'ed, freed by the caller
  double pixelSizeMm[2] = {0, 0};
  char error[256] = {};
};

struct PngErrorState {
  char* message;
};

void pngError(png_structp png, png_const_charp msg) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, 255, "%s", msg);
  png_longjmp(png, 1);
}
void pngWarning(png_structp, png_const_charp) {}

bool decodePng(FILE* file, std::uint64_t maxBytes, RawRaster* out) {
  PngErrorState state{out->error};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, pngError, pngWarning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  unsigned char* volatile pixels = nullptr;
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::free(pixels);
    return false;
  }
  png_init_io(png, file);
  png_set_user_limits(png, 65536, 65536);
  png_set_chunk_malloc_max(png, 16u << 20);
  png_read_info(png, info);
  png_uint_32 width = 0, height = 0;
  int bitDepth = 0, colorType = 0;
  png_get_IHDR(png, info, &width, &height, &bitDepth, &colorType, nullptr, nullptr, nullptr);
  if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (colorType & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) {
    png_set_tRNS_to_alpha(png);
    png_set_strip_alpha(png);
  }
  if (bitDepth == 16) png_set_swap(png);  // PNG stores 16-bit samples big endian
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const unsigned channels = png_get_channels(png, info);
  const unsigned depth = png_get_bit_depth(png, info);
  const std::size_t rowBytes = png_get_rowbytes(png, info);
  const std::uint64_t total = static_cast<std::uint64_t>(rowBytes) * height;
  if (total > maxBytes || rowBytes != static_cast<std::size_t>(width) * channels * (depth / 8)) {
    std::snprintf(out->error, 255, "%ux%u image exceeds the memory budget or is malformed",
                  static_cast<unsigned>(width), static_cast<unsigned>(height));
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  pixels = static_cast<unsigned char*>(std::malloc(total));
  png_bytep* rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * height));
  if (pixels == nullptr || rows == nullptr) {
    std::free(pixels);
    std::free(rows);
    std::snprintf(out->error, 255, "out of memory");
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = pixels + y * rowBytes;
  if (setjmp(png_jmpbuf(png))) {
    std::free(rows);
    std::free(pixels);
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  png_uint_32 resX = 0, resY = 0;
  int unit = 0;
  if (png_get_pHYs(png, info, &resX, &resY, &unit) && unit == PNG_RESOLUTION_METER && resX > 0 &&
      resY > 0) {
    out->pixelSizeMm[0] = 1000.0 / resX;
    out->pixelSizeMm[1] = 1000.0 / resY;
  }
  std::free(rows);
  png_destroy_read_struct(&png, &info, nullptr);
  out->width = width;
  out->height = height;
  out->channels = channels;
  out->bitDepth = depth;
  out->pixels = pixels;
  return true;
}

struct JpegErrorManager {
  jpeg_error_mgr base;
  jmp_buf jump;
  char* message;
};

void jpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
void jpegOutputMessage(j_common_ptr) {}
/// libjpeg only warns when the data stop early and fills the rest of the image with grey: a
/// truncated file would be classified as if whole. Missing data is an error here; other
/// warnings (extraneous bytes before a marker, seen in some scanners' files) are not.
void jpegEmitMessage(j_common_ptr cinfo, int level) {
  const int code = cinfo->err->msg_code;
  if (level < 0 && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER)) {
    jpegErrorExit(cinfo);
  }
  if (level < 0) ++cinfo->err->num_warnings;
}

bool decodeJpeg(FILE* file, std::uint64_t maxBytes, RawRaster* out) {
  jpeg_decompress_struct cinfo;
  JpegErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = jpegErrorExit;
  err.base.output_message = jpegOutputMessage;
  err.base.emit_message = jpegEmitMessage;
  err.message = out->error;
  unsigned char* volatile pixels = nullptr;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    std::free(pixels);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, file);
  jpeg_read_header(&cinfo, TRUE);
  // CMYK/YCCK JPEGs are not medical images; grey stays grey, everything else becomes RGB.
  cinfo.out_color_space = cinfo.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    std::snprintf(out->error, 255, "CMYK JPEG is not supported");
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  const std::uint64_t total = static_cast<std::uint64_t>(cinfo.image_width) * cinfo.image_height *
                              (cinfo.out_color_space == JCS_GRAYSCALE ? 1 : 3);
  if (total > maxBytes || cinfo.image_width > 65536 || cinfo.image_height > 65536) {
    std::snprintf(out->error, 255, "%ux%u image exceeds the memory budget", cinfo.image_width,
                  cinfo.image_height);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_start_decompress(&cinfo);
  const std::size_t rowBytes = static_cast<std::size_t>(cinfo.output_width) *
                               static_cast<std::size_t>(cinfo.output_components);
  pixels = static_cast<unsigned char*>(std::malloc(rowBytes * cinfo.output_height));
  if (pixels == nullptr) {
    std::snprintf(out->error, 255, "out of memory");
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels + cinfo.output_scanline * rowBytes;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  out->width = cinfo.output_width;
  out->height = cinfo.output_height;
  out->channels = static_cast<unsigned>(cinfo.output_components);
  out->bitDepth = 8;
  out->pixels = pixels;
  jpeg_destroy_decompress(&cinfo);
  return true;
}

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

Image RasterImageIO::read(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileNotFound, name + ": no such file");
  }
  std::unique_ptr<FILE, FileCloser> file(std::fopen(name.c_str(), "rb"));
  if (!file) throw Error(ErrorCode::FileUnreadable, name + ": cannot open");
  unsigned char signature[8] = {};
  const std::size_t n = std::fread(signature, 1, 8, file.get());
  std::rewind(file.get());
  RawRaster raw;
  bool ok = false;
  std::string format;
  if (n == 8 && png_sig_cmp(signature, 0, 8) == 0) {
    format = "PNG";
    ok = decodePng(file.get(), MemoryBudget::maxImageBytes(), &raw);
  } else if (n >= 3 && signature[0] == 0xFF && signature[1] == 0xD8 && signature[2] == 0xFF) {
    format = "JPEG";
    ok = decodeJpeg(file.get(), MemoryBudget::maxImageBytes(), &raw);
  } else {
    throw Error(ErrorCode::UnsupportedFormat, name + ": not a PNG or JPEG file");
  }
  std::unique_ptr<unsigned char, decltype(&std::free)> pixels(raw.pixels, &std::free);
  if (!ok) {
    const bool tooLarge = std::strstr(raw.error, "memory budget") != nullptr;
    throw Error(tooLarge ? ErrorCode::TooLarge : ErrorCode::CorruptData,
                name + ": " + format + " decoding failed: " + raw.error);
  }
  const int components = raw.channels >= 3 ? 3 : 1;
  if (raw.channels != 1 && raw.channels != 3) {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": " + std::to_string(raw.channels) + " channels after alpha removal");
  }
  ImageGeometry geometry;
  if (raw.pixelSizeMm[0] > 0) {
    geometry.spacing[0] = raw.pixelSizeMm[0];
    geometry.spacing[1] = raw.pixelSizeMm[1];
  }
  Image image(raw.bitDepth == 16 ? PixelType::UInt16 : PixelType::UInt8,
              {raw.width, raw.height, 1, 1}, 2, components, geometry);
  std::memcpy(image.bytes().data(), raw.pixels, image.byteSize());
  image.setModality("OT");
  image.metadata()["source.path"] = name;
  image.metadata()["source.format"] = format;
  image.metadata()["PixelSpacingSource"] = raw.pixelSizeMm[0] > 0 ? "pHYs" : "none";
  return image;
}

void RasterImageIO::writePng(const Image& image, const std::filesystem::path& path) {
  if (image.spatialDimension() != 2 || image.size().t != 1 ||
      (image.components() != 1 && image.components() != 3) ||
      (image.pixelType() != PixelType::UInt8 && image.pixelType() != PixelType::UInt16)) {
    throw Error(ErrorCode::UnsupportedFormat,
                path.string() +
                    ": PNG needs a single 2D uint8/uint16 image with 1 or 3 "
                    "components (window or cast it first)");
  }
  png_image out{};
  out.version = PNG_IMAGE_VERSION;
  out.width = static_cast<png_uint_32>(image.size().x);
  out.height = static_cast<png_uint_32>(image.size().y);
  const bool wide = image.pixelType() == PixelType::UInt16;
  // The simplified API's "linear" 16-bit formats imply gamma 1.0 and are written unchanged.
  out.format = image.components() == 3 ? (wide ? PNG_FORMAT_LINEAR_RGB : PNG_FORMAT_RGB)
                                       : (wide ? PNG_FORMAT_LINEAR_Y : PNG_FORMAT_GRAY);
  AtomicFile::writeWith(path, [&](const std::filesystem::path& tmp) {
    if (!png_image_write_to_file(&out, tmp.c_str(), 0, image.bytes().data(), 0, nullptr)) {
      const std::string why = out.message;
      png_image_free(&out);
      throw Error(ErrorCode::FileWriteFailed, path.string() + ": PNG write failed: " + why);
    }
  });
}

void RasterImageIO::writeJpeg(const Image& image, const std::filesystem::path& path, int quality) {
  if (image.spatialDimension() != 2 || image.size().t != 1 ||
      (image.components() != 1 && image.components() != 3) ||
      image.pixelType() != PixelType::UInt8) {
    throw Error(ErrorCode::UnsupportedFormat,
                path.string() + ": JPEG needs a single 2D uint8 image with 1 or 3 components");
  }
  // Compress to memory (no I/O inside libjpeg, whose default error handler exits the
  // process), then write the bytes atomically.
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.size().x);
  cinfo.image_height = static_cast<JDIMENSION>(image.size().y);
  cinfo.input_components = image.components();
  cinfo.in_color_space = image.components() == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, std::clamp(quality, 1, 100), TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t rowBytes = image.size().x * static_cast<std::size_t>(image.components());
  auto* base = const_cast<JSAMPLE*>(reinterpret_cast<const JSAMPLE*>(image.bytes().data()));
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = base + cinfo.next_scanline * rowBytes;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::unique_ptr<unsigned char, decltype(&std::free)> owned(buffer, &std::free);
  AtomicFile::write(path, std::as_bytes(std::span<const unsigned char>(buffer, size)));
}

}  // namespace medsight

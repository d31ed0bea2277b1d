#include "io/ImageFileReader.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <memory>

#include "core/Error.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesReader.h"
#include "io/NiftiReader.h"
#include "io/NpzReader.h"
#include "io/RasterImageIO.h"

namespace medsight {
namespace {

bool isNiftiHeader(const unsigned char* b, std::size_t n) {
  if (n < 348) return false;
  std::int32_t size = 0;
  std::memcpy(&size, b, 4);
  const auto swapped =
      static_cast<std::int32_t>(__builtin_bswap32(static_cast<std::uint32_t>(size)));
  if (size == 348 || swapped == 348) return std::memcmp(b + 344, "n+1", 3) == 0;
  if (size == 540 || swapped == 540) return std::memcmp(b + 4, "n+2", 3) == 0;
  return false;
}

}  // namespace

std::string_view imageFileFormatName(ImageFileFormat format) {
  switch (format) {
    case ImageFileFormat::Dicom:
      return "DICOM";
    case ImageFileFormat::DicomFolder:
      return "DICOM folder";
    case ImageFileFormat::Nifti:
      return "NIfTI";
    case ImageFileFormat::Png:
      return "PNG";
    case ImageFileFormat::Jpeg:
      return "JPEG";
    case ImageFileFormat::Npz:
      return "NumPy npz";
    case ImageFileFormat::Npy:
      return "NumPy npy";
    case ImageFileFormat::Unknown:
      break;
  }
  return "unknown";
}

ImageFileFormat detectImageFileFormat(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return ImageFileFormat::DicomFolder;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ImageFileFormat::Unknown;
  unsigned char b[548] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  const auto n = static_cast<std::size_t>(in.gcount());
  if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFileFormat::Png;
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFileFormat::Jpeg;
  if (n >= 6 && std::memcmp(b, "\x93NUMPY", 6) == 0) return ImageFileFormat::Npy;
  if (n >= 4 && std::memcmp(b, "PK\x03\x04", 4) == 0) return ImageFileFormat::Npz;
  if (isNiftiHeader(b, n)) return ImageFileFormat::Nifti;
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
    std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(gzopen(path.c_str(), "rb"), &gzclose);
    unsigned char h[548] = {};
    const int got = gz ? gzread(gz.get(), h, sizeof h) : 0;
    if (got > 0 && isNiftiHeader(h, static_cast<std::size_t>(got))) return ImageFileFormat::Nifti;
    return ImageFileFormat::Unknown;
  }
  if (looksLikeDicom(path)) return ImageFileFormat::Dicom;
  return ImageFileFormat::Unknown;
}

Image ImageFileReader::read(const std::filesystem::path& path, const ImageReadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": no such file or folder");
  }
  switch (detectImageFileFormat(path)) {
    case ImageFileFormat::Dicom:
      return DicomFileReader::read(path);
    case ImageFileFormat::DicomFolder:
      return DicomSeriesReader::readFolder(path, options.selector, options.threads,
                                           options.interpolateMissingSlices);
    case ImageFileFormat::Nifti:
      return NiftiReader::read(path);
    case ImageFileFormat::Png:
    case ImageFileFormat::Jpeg:
      return RasterImageIO::read(path);
    case ImageFileFormat::Npy: {
      Image image = NpzReader::readNpy(path).image(options.index);
      image.metadata()["source.path"] = path.string();
      image.metadata()["source.format"] = "NumPy npy";
      return image;
    }
    case ImageFileFormat::Npz: {
      const NpzReader npz(path);
      std::string array = options.selector;
      if (array.empty()) {
        const auto names = npz.arrayNames();
        if (names.empty()) throw Error(ErrorCode::EmptyInput, path.string() + ": no arrays");
        array = names.front();
        for (const auto& n : names) {
          if (n.ends_with("images")) {
            array = n;
            break;
          }
        }
      }
      Image image = npz.read(array).image(options.index);
      image.metadata()["source.path"] = path.string();
      image.metadata()["source.format"] = "NumPy npz";
      image.metadata()["source.array"] = array;
      image.metadata()["source.index"] = std::to_string(options.index);
      return image;
    }
    case ImageFileFormat::Unknown:
      break;
  }
  throw Error(ErrorCode::UnsupportedFormat,
              path.string() + ": not a DICOM, NIfTI, PNG, JPEG or NumPy file");
}

}  // namespace medsight

#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/Image.h"

namespace medsight {

/// \brief File formats MedSight reads images from.
enum class ImageFileFormat { Dicom, DicomFolder, Nifti, Png, Jpeg, Npz, Npy, Unknown };

/// \brief Human-readable format name ("DICOM", "NIfTI", ...).
std::string_view imageFileFormatName(ImageFileFormat format);

/// \brief Detects the format from the file's first bytes (never from a name alone, except that
/// a gzip stream counts as NIfTI only when it decompresses to a NIfTI header).
ImageFileFormat detectImageFileFormat(const std::filesystem::path& path);

/// \brief Options for reading a single image out of any supported file.
struct ImageReadOptions {
  /// \brief For .npz: the array to read ("" = the first array whose name ends in "images",
  /// else the first array). For DICOM folders: the Series Instance UID ("" = largest series).
  std::string selector;
  /// \brief For .npz/.npy stacks: which image of the stack.
  std::size_t index = 0;
  /// \brief Worker threads for DICOM series decoding (0 = all cores).
  int threads = 0;
  /// \brief For DICOM folders: read a series with slices missing by interpolating them
  /// (DicomSeriesReader) instead of refusing it.
  bool interpolateMissingSlices = false;
};

/// \brief Reads one image from any supported file or DICOM folder, dispatching on content.
class ImageFileReader {
 public:
  /// \brief Reads the image; throws FileNotFound, UnsupportedFormat, CorruptData, TooLarge...
  static Image read(const std::filesystem::path& path, const ImageReadOptions& options = {});
};

}  // namespace medsight

#pragma once

// Internal to src/io: DCMTK-level loading shared by the DICOM readers and writers. Includes
// DCMTK headers, so only io .cpp files include it.

#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <memory>

#include "io/DicomHeader.h"

namespace medsight {

/// \brief Registers DCMTK's JPEG, JPEG-LS and RLE decoders once per process.
void registerDicomCodecs();

/// \brief Loads a DICOM file with DCMTK (auto-detecting files without a meta header). With
/// `headerOnly`, element values over 4 KiB (pixel data) stay on disk until accessed.
/// Throws FileNotFound, FileUnreadable or CorruptData naming the file.
std::unique_ptr<DcmFileFormat> loadDicomFile(const std::filesystem::path& path, bool headerOnly);

/// \brief Extracts the DicomHeader from a loaded file (strings converted to UTF-8).
DicomHeader headerFromFile(DcmFileFormat& file, const std::filesystem::path& path);

}  // namespace medsight

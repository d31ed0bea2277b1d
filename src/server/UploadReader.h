#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/DicomObject.h"

namespace medsight {

/// \brief Reads an uploaded body: one DICOM object, or a zip archive of them (folders inside
/// are fine; non-DICOM entries such as DICOMDIR-less README files are skipped and listed).
/// Everything is checked before anything is stored, so a bad upload stores nothing.
class UploadReader {
 public:
  /// \brief Result of reading an upload.
  struct Contents {
    std::vector<DicomObject> objects;
    std::vector<std::string> skipped;  ///< archive entries that are not DICOM (name: reason)
  };
  /// \brief Parses `body` (named `name` in errors). Throws CorruptData for a truncated or
  /// malformed archive or object (naming the entry), TooLarge when the unpacked size exceeds
  /// `maxBytes` (zip bombs), EmptyInput when no DICOM object is inside.
  static Contents read(std::string_view body, const std::string& name, std::int64_t maxBytes);
};

}  // namespace medsight

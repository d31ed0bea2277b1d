#pragma once

#include <string>

namespace medsight {

/// \brief A new globally unique DICOM UID of the form "2.25.<decimal UUID>" (DICOM PS3.5
/// B.2: a UUID-derived UID needs no registered root). Random version-4 UUID from the OS.
std::string generateDicomUid();

/// \brief True if `uid` is a syntactically valid UID (PS3.5 9.1: digits and dots, no leading
/// zeros in a component, at most 64 characters).
bool isValidDicomUid(const std::string& uid);

}  // namespace medsight

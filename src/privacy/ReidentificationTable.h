#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "privacy/KeyFile.h"

namespace medsight {

/// \brief The optional map from pseudonym back to the patient (PS3.15 E.1.2 re-identification),
/// stored only encrypted (AtRestCipher under the project key) and written atomically. Only
/// holders of the key (administrators, AccessPolicy Permission::Reidentify) can read it.
class ReidentificationTable {
 public:
  /// \brief One patient behind a pseudonym.
  struct Entry {
    /// \brief Original Patient ID.
    std::string patientId;
    /// \brief Original Patient's Name.
    std::string patientName;
  };

  /// \brief Reads an existing table (empty if the file does not exist); throws
  /// IntegrityViolation if it was tampered with, KeyMissing for another key.
  static ReidentificationTable load(const std::filesystem::path& path, const KeyFile& key);
  /// \brief Adds or confirms a mapping.
  void add(const std::string& pseudonym, Entry entry) { entries_[pseudonym] = std::move(entry); }
  /// \brief Encrypts and writes the table (mode 0600).
  void save(const std::filesystem::path& path, const KeyFile& key) const;
  /// \brief All mappings.
  const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace medsight

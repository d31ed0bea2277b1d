#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

namespace medsight {

/// \brief Private attributes known to carry no identity (PS3.15 E.3.10 "Retain Safe Private"),
/// identified by group, private creator and element low byte (the block number varies per file).
class SafePrivateList {
 public:
  /// \brief The list built into MedSight (data/privacy/safe_private.tsv).
  static const SafePrivateList& builtIn();
  /// \brief Parses the TSV format (group, creator, element, name); InvalidConfiguration on error.
  static SafePrivateList parse(std::string_view tsv, const std::string& source);
  /// \brief Reads a site list from a file; FileNotFound / InvalidConfiguration on error.
  static SafePrivateList load(const std::filesystem::path& path);

  /// \brief Adds every entry of `other`.
  void merge(const SafePrivateList& other);
  /// \brief True if (group, creator, element low byte) is safe. Creator comparison ignores
  /// trailing spaces, as DICOM pads LO values.
  bool isSafe(std::uint16_t group, std::string_view creator, std::uint8_t elementLow) const;
  /// \brief Number of entries.
  std::size_t size() const { return entries_.size(); }

 private:
  std::set<std::tuple<std::uint16_t, std::string, std::uint8_t>> entries_;
};

}  // namespace medsight

#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medsight {

/// \brief "Clean" for free text (PS3.15 E.3.5 Clean Descriptors and E.3.4 Patient
/// Characteristics): keeps the text's meaning but replaces every occurrence of the instance's own
/// identifiers (patient name and its components, IDs, birth date, accession number, physician and
/// institution names) with "*". Matching is case-insensitive for ASCII and byte-exact otherwise,
/// so names in Chinese, Japanese or Greek are scrubbed in the file's own character set.
class IdentifierScrubber {
 public:
  /// \brief Adds an identifier value; PN values are also split into their components
  /// (^ and = separators, spaces) and each part of at least `minimumLength` bytes is added.
  void addIdentifier(std::string_view value, bool isPersonName, std::size_t minimumLength = 3);
  /// \brief `text` with every identifier occurrence replaced by "*".
  std::string scrub(std::string_view text) const;
  /// \brief True if `text` contains any identifier.
  bool containsIdentifier(std::string_view text) const;
  /// \brief The identifiers collected so far (longest first).
  const std::vector<std::string>& identifiers() const { return identifiers_; }

 private:
  void addOne(std::string value, std::size_t minimumLength);
  std::vector<std::string> identifiers_;
};

}  // namespace medsight

#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medsight {

/// \brief Number of option columns of PS3.15 Table E.1-1.
inline constexpr std::size_t kConfidentialityOptionColumns = 10;

/// \brief One row of DICOM PS3.15 Table E.1-1: an attribute (or a repeating-group pattern, or
/// "all private attributes") with its Basic Profile action and the action of each option column.
struct ConfidentialityRule {
  /// \brief Group number (pattern bits where groupMask is set).
  std::uint16_t group = 0;
  /// \brief Element number (pattern bits where elementMask is set).
  std::uint16_t element = 0;
  /// \brief 0xFFFF for exact tags; 0xFF00 for "60xx"-style repeating groups.
  std::uint16_t groupMask = 0xFFFF;
  /// \brief 0xFFFF for exact elements; 0 for "xxxx".
  std::uint16_t elementMask = 0xFFFF;
  /// \brief True for the "Private Attributes (gggg,eeee) where gggg is odd" row.
  bool privateAttributes = false;
  /// \brief Attribute keyword (PS3.6) or "-" if unknown to the dictionary.
  std::string keyword;
  /// \brief VR from the dictionary or "-".
  std::string vr;
  /// \brief Basic Profile action code ("X", "Z/D", "X/Z/U" ...).
  std::string basic;
  /// \brief Option column codes, empty where the standard's cell is empty.
  std::array<std::string, kConfidentialityOptionColumns> options;

  /// \brief "(0010,0010)" style text, with x for wildcard nibbles.
  std::string tagText() const;
  /// \brief True if this row covers (group,element).
  bool matches(std::uint16_t g, std::uint16_t e) const;
};

/// \brief The de-identification rule table: every row of PS3.15 Table E.1-1, compiled into the
/// program from data/privacy/table_e1_1.tsv (generated from the standard by
/// scripts/privacy/generate_table_e1_1.py). Lookup is O(1) for exact tags.
class ConfidentialityRuleTable {
 public:
  /// \brief The table built into MedSight.
  static const ConfidentialityRuleTable& standard();
  /// \brief Parses the TSV format; throws InvalidConfiguration naming `source` and the line.
  static ConfidentialityRuleTable parse(std::string_view tsv, const std::string& source);

  /// \brief The row for a standard (even-group) attribute, or nullptr if the table has none.
  const ConfidentialityRule* find(std::uint16_t group, std::uint16_t element) const;
  /// \brief The "Private Attributes" row.
  const ConfidentialityRule& privateAttributesRule() const { return rules_.at(private_); }
  /// \brief All rows in table order.
  const std::vector<ConfidentialityRule>& rules() const { return rules_; }

 private:
  std::vector<ConfidentialityRule> rules_;
  std::unordered_map<std::uint32_t, std::size_t> exact_;
  std::vector<std::size_t> patterns_;
  std::size_t private_ = 0;
};

}  // namespace medsight

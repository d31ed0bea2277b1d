#include "privacy/ConfidentialityRuleTable.h"

#include <cstdio>
#include <sstream>

#include "core/Error.h"

namespace medsight {
namespace detail {
extern const char* const kTableE11Tsv;
}  // namespace detail

namespace {

bool validCode(const std::string& code) {
  if (code.empty()) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (i % 2 == 0 ? std::string("DZXKCU").find(c) == std::string::npos : c != '/') return false;
  }
  return code.size() % 2 == 1;
}

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

/// Parses 4 characters of hex-or-x into value and mask.
bool parseHalf(const std::string& text, std::uint16_t& value, std::uint16_t& mask) {
  value = 0;
  mask = 0;
  for (char c : text) {
    value <<= 4;
    mask <<= 4;
    if (c == 'x' || c == 'X') continue;
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) return false;
    value |= static_cast<std::uint16_t>(digit);
    mask |= 0xF;
  }
  return text.size() == 4;
}

}  // namespace

std::string ConfidentialityRule::tagText() const {
  if (privateAttributes) return "(gggg,eeee) where gggg is odd";
  auto half = [](std::uint16_t value, std::uint16_t mask) {
    std::string out;
    for (int shift = 12; shift >= 0; shift -= 4) {
      out.push_back(((mask >> shift) & 0xF) == 0 ? 'x'
                                                 : "0123456789ABCDEF"[(value >> shift) & 0xF]);
    }
    return out;
  };
  return "(" + half(group, groupMask) + "," + half(element, elementMask) + ")";
}

bool ConfidentialityRule::matches(std::uint16_t g, std::uint16_t e) const {
  if (privateAttributes) return (g & 1) != 0;
  return (g & groupMask) == group && (e & elementMask) == element;
}

ConfidentialityRuleTable ConfidentialityRuleTable::parse(std::string_view tsv,
                                                         const std::string& source) {
  ConfidentialityRuleTable table;
  std::istringstream in{std::string(tsv)};
  std::string line;
  std::size_t number = 0;
  bool header = false;
  bool sawPrivate = false;
  auto fail = [&](const std::string& what) {
    throw Error(ErrorCode::InvalidConfiguration,
                source + ":" + std::to_string(number) + ": " + what);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto fields = splitTabs(line);
    if (!header) {
      if (fields.size() != 4 + kConfidentialityOptionColumns || fields[0] != "tag") {
        fail("expected the header row 'tag keyword vr basic <10 option columns>'");
      }
      header = true;
      continue;
    }
    if (fields.size() != 4 + kConfidentialityOptionColumns) {
      fail("expected " + std::to_string(4 + kConfidentialityOptionColumns) + " columns, got " +
           std::to_string(fields.size()));
    }
    ConfidentialityRule rule;
    if (fields[0] == "GGGGEEEE") {
      rule.privateAttributes = true;
      rule.groupMask = rule.elementMask = 0;
      sawPrivate = true;
    } else if (fields[0].size() != 8 ||
               !parseHalf(fields[0].substr(0, 4), rule.group, rule.groupMask) ||
               !parseHalf(fields[0].substr(4), rule.element, rule.elementMask)) {
      fail("bad tag '" + fields[0] + "'");
    }
    rule.keyword = fields[1];
    rule.vr = fields[2];
    rule.basic = fields[3];
    if (!validCode(rule.basic)) fail("bad basic profile action '" + rule.basic + "'");
    for (std::size_t i = 0; i < kConfidentialityOptionColumns; ++i) {
      rule.options[i] = fields[4 + i];
      if (!rule.options[i].empty() && !validCode(rule.options[i])) {
        fail("bad option action '" + rule.options[i] + "'");
      }
    }
    const std::size_t index = table.rules_.size();
    if (rule.privateAttributes) {
      table.private_ = index;
    } else if (rule.groupMask == 0xFFFF && rule.elementMask == 0xFFFF) {
      const std::uint32_t key = (std::uint32_t{rule.group} << 16) | rule.element;
      if (!table.exact_.emplace(key, index).second) fail("duplicate row " + rule.tagText());
    } else {
      table.patterns_.push_back(index);
    }
    table.rules_.push_back(std::move(rule));
  }
  if (!header) fail("no header row");
  if (!sawPrivate) fail("the Private Attributes row (GGGGEEEE) is missing");
  return table;
}

const ConfidentialityRuleTable& ConfidentialityRuleTable::standard() {
  static const ConfidentialityRuleTable table =
      parse(detail::kTableE11Tsv, "data/privacy/table_e1_1.tsv");
  return table;
}

const ConfidentialityRule* ConfidentialityRuleTable::find(std::uint16_t group,
                                                          std::uint16_t element) const {
  const auto it = exact_.find((std::uint32_t{group} << 16) | element);
  if (it != exact_.end()) return &rules_[it->second];
  for (const std::size_t index : patterns_) {
    if (rules_[index].matches(group, element)) return &rules_[index];
  }
  return nullptr;
}

}  // namespace medsight

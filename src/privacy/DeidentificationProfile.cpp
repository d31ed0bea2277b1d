#include "privacy/DeidentificationProfile.h"

#include <algorithm>

#include "core/Error.h"

namespace medsight {
namespace {

struct OptionInfo {
  ConfidentialityOption option;
  const char* name;
  const char* code;     // CID 7050, coding scheme DCM
  const char* meaning;  // CID 7050 code meaning
};

constexpr OptionInfo kOptions[] = {
    {ConfidentialityOption::RetainSafePrivate, "retain-safe-private", "113111",
     "Retain Safe Private Option"},
    {ConfidentialityOption::RetainUids, "retain-uids", "113110", "Retain UIDs Option"},
    {ConfidentialityOption::RetainDeviceIdentity, "retain-device-identity", "113109",
     "Retain Device Identity Option"},
    {ConfidentialityOption::RetainInstitutionIdentity, "retain-institution-identity", "113112",
     "Retain Institution Identity Option"},
    {ConfidentialityOption::RetainPatientCharacteristics, "retain-patient-characteristics",
     "113108", "Retain Patient Characteristics Option"},
    {ConfidentialityOption::RetainLongitudinalFullDates, "retain-full-dates", "113106",
     "Retain Longitudinal Temporal Information Full Dates Option"},
    {ConfidentialityOption::RetainLongitudinalModifiedDates, "retain-modified-dates", "113107",
     "Retain Longitudinal Temporal Information Modified Dates Option"},
    {ConfidentialityOption::CleanDescriptors, "clean-descriptors", "113105",
     "Clean Descriptors Option"},
    {ConfidentialityOption::CleanStructuredContent, "clean-structured-content", "113104",
     "Clean Structured Content Option"},
    {ConfidentialityOption::CleanGraphics, "clean-graphics", "113103", "Clean Graphics Option"},
    {ConfidentialityOption::CleanPixelData, "clean-pixel-data", "113101",
     "Clean Pixel Data Option"},
};

const OptionInfo& info(ConfidentialityOption option) {
  return kOptions[static_cast<std::size_t>(option)];
}

}  // namespace

DeidentificationProfile::DeidentificationProfile(std::vector<ConfidentialityOption> options) {
  std::sort(options.begin(), options.end());
  options.erase(std::unique(options.begin(), options.end()), options.end());
  options_ = std::move(options);
  if (has(ConfidentialityOption::RetainLongitudinalFullDates) &&
      has(ConfidentialityOption::RetainLongitudinalModifiedDates)) {
    throw Error(ErrorCode::InvalidArgument,
                "--option retain-full-dates and retain-modified-dates exclude each other "
                "(PS3.15 E.3.6)");
  }
}

ConfidentialityOption DeidentificationProfile::parseOption(std::string_view name) {
  for (const auto& o : kOptions) {
    if (name == o.name) return o.option;
  }
  std::string valid;
  for (const auto& o : kOptions) valid += std::string(valid.empty() ? "" : ", ") + o.name;
  throw Error(ErrorCode::InvalidArgument,
              "--option " + std::string(name) + ": unknown option (valid: " + valid + ")");
}

std::string DeidentificationProfile::optionName(ConfidentialityOption option) {
  return info(option).name;
}
std::string DeidentificationProfile::optionCodeValue(ConfidentialityOption option) {
  return info(option).code;
}
std::string DeidentificationProfile::optionCodeMeaning(ConfidentialityOption option) {
  return info(option).meaning;
}

std::vector<ConfidentialityOption> DeidentificationProfile::allOptions() {
  std::vector<ConfidentialityOption> out;
  for (const auto& o : kOptions) out.push_back(o.option);
  return out;
}

bool DeidentificationProfile::has(ConfidentialityOption option) const {
  return std::binary_search(options_.begin(), options_.end(), option);
}

std::string DeidentificationProfile::effectiveCode(const ConfidentialityRule& rule,
                                                   int* column) const {
  int chosen = -1;
  for (const auto option : options_) {
    const auto index = static_cast<std::size_t>(option);
    if (index >= kConfidentialityOptionColumns || rule.options[index].empty()) continue;
    const std::string& code = rule.options[index];
    auto rank = [](const std::string& c) { return c == "K" ? 2 : c == "C" ? 1 : 0; };
    if (chosen < 0 || rank(code) > rank(rule.options[static_cast<std::size_t>(chosen)])) {
      chosen = static_cast<int>(index);
    }
  }
  if (column) *column = chosen;
  return chosen < 0 ? rule.basic : rule.options[static_cast<std::size_t>(chosen)];
}

DeidAction DeidentificationProfile::resolveCode(std::string_view code, bool isSequence) {
  if (code == "X") return DeidAction::Remove;
  if (code == "Z" || code == "X/Z") return DeidAction::Empty;
  if (code == "D" || code == "X/D" || code == "Z/D" || code == "X/Z/D") return DeidAction::Dummy;
  if (code == "K") return DeidAction::Keep;
  if (code == "C") return DeidAction::Clean;
  if (code == "U") return DeidAction::ReplaceUid;
  if (code == "X/Z/U") return isSequence ? DeidAction::KeepReferences : DeidAction::ReplaceUid;
  throw Error(ErrorCode::Internal, "de-identification: unknown action code " + std::string(code));
}

ResolvedAction DeidentificationProfile::resolve(const ConfidentialityRule& rule,
                                                bool isSequence) const {
  ResolvedAction out;
  out.action = resolveCode(effectiveCode(rule, &out.column), isSequence);
  return out;
}

std::vector<std::string> DeidentificationProfile::methodValues() const {
  std::vector<std::string> values{"Basic Application Confidentiality Profile"};
  for (const auto option : options_) values.push_back(optionCodeMeaning(option));
  return values;
}

}  // namespace medsight

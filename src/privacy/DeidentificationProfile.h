#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "privacy/ConfidentialityRuleTable.h"

namespace medsight {

/// \brief Options of the Basic Application Level Confidentiality Profile (PS3.15 E.3); the first
/// ten are the option columns of Table E.1-1 in order, CleanPixelData has no column (E.3.1).
enum class ConfidentialityOption {
  RetainSafePrivate,
  RetainUids,
  RetainDeviceIdentity,
  RetainInstitutionIdentity,
  RetainPatientCharacteristics,
  RetainLongitudinalFullDates,
  RetainLongitudinalModifiedDates,
  CleanDescriptors,
  CleanStructuredContent,
  CleanGraphics,
  CleanPixelData,
};

/// \brief What happens to one attribute, after options and combined codes are resolved.
enum class DeidAction {
  Remove,         ///< X
  Empty,          ///< Z (zero length; patient name/ID get the pseudonym, a permitted dummy)
  Dummy,          ///< D (non-empty value consistent with the VR)
  Keep,           ///< K (sequences are still cleaned item by item)
  Clean,          ///< C (replace with values of similar meaning without identifying content)
  ReplaceUid,     ///< U (consistent keyed replacement)
  KeepReferences  ///< X/Z/U* on a sequence: keep the items, replace the UIDs they contain
};

/// \brief An action with the table column that produced it (-1 = Basic Profile column).
struct ResolvedAction {
  /// \brief The action.
  DeidAction action = DeidAction::Keep;
  /// \brief Option column (0..9) that decided, or -1 for the Basic Profile.
  int column = -1;
};

/// \brief The Basic Application Level Confidentiality Profile with a set of options (PS3.15
/// E.1.1, E.3): decides the action for each row of Table E.1-1 and names itself with CID 7050
/// codes for De-identification Method Code Sequence (0012,0064).
///
/// Resolution rules. Where several selected options fill a row, K wins over C and C over the
/// others (each retain option is a deliberate choice to keep that kind of information). Combined
/// codes that depend on IOD conformance are resolved without per-IOD tables, to the choice that
/// is conformant whatever the attribute's type: X/Z -> Z, X/D Z/D X/Z/D -> D, X/Z/U* on a
/// sequence -> keep items with UIDs replaced (U otherwise).
class DeidentificationProfile {
 public:
  /// \brief Basic Profile with `options`; throws InvalidArgument for contradictory options
  /// (full and modified longitudinal dates together).
  explicit DeidentificationProfile(std::vector<ConfidentialityOption> options = {});

  /// \brief Parses "retain-safe-private", "retain-uids", "retain-device-identity",
  /// "retain-institution-identity", "retain-patient-characteristics", "retain-full-dates",
  /// "retain-modified-dates", "clean-descriptors", "clean-structured-content",
  /// "clean-graphics", "clean-pixel-data"; throws InvalidArgument listing them.
  static ConfidentialityOption parseOption(std::string_view name);
  /// \brief The CLI name of an option.
  static std::string optionName(ConfidentialityOption option);
  /// \brief CID 7050 code value (DCM) of an option, e.g. "113111" for Retain Safe Private.
  static std::string optionCodeValue(ConfidentialityOption option);
  /// \brief CID 7050 code meaning, e.g. "Retain Safe Private Option".
  static std::string optionCodeMeaning(ConfidentialityOption option);
  /// \brief Every option in declaration order.
  static std::vector<ConfidentialityOption> allOptions();

  /// \brief True if the option is selected.
  bool has(ConfidentialityOption option) const;
  /// \brief Selected options in declaration order.
  const std::vector<ConfidentialityOption>& options() const { return options_; }
  /// \brief The code in force for a row ("K", "X/Z" ...) and the deciding column.
  std::string effectiveCode(const ConfidentialityRule& rule, int* column = nullptr) const;
  /// \brief The action for a row on an attribute that is (or is not) a sequence.
  ResolvedAction resolve(const ConfidentialityRule& rule, bool isSequence) const;
  /// \brief Turns one code into an action (see the class comment for combined codes).
  static DeidAction resolveCode(std::string_view code, bool isSequence);
  /// \brief Values of De-identification Method (0012,0063) (LO, VM 1-n, each at most 64
  /// characters): the profile's CID 7050 meaning, then each option's.
  std::vector<std::string> methodValues() const;

 private:
  std::vector<ConfidentialityOption> options_;
};

}  // namespace medsight

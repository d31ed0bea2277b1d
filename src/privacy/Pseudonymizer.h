#pragma once

#include <string>
#include <string_view>

#include "privacy/KeyFile.h"

namespace medsight {

/// \brief Keyed, repeatable replacements for identifiers: HMAC-SHA-256 (libsodium) under
/// purpose-specific sub-keys of the project key. The same input under the same key always gives
/// the same output, across batches and machines, so a patient keeps one pseudonym and a study
/// keeps one UID; without the key the mapping can be neither recomputed nor inverted.
class Pseudonymizer {
 public:
  /// \brief Derives the pseudonym, UID and date-shift sub-keys from `key`.
  explicit Pseudonymizer(const KeyFile& key);

  /// \brief Patient pseudonym "MS" + 16 upper-case hex digits (64 bits of HMAC) for a patient
  /// identified by Patient ID and its issuer; valid as LO and PN values.
  std::string patientPseudonym(std::string_view issuer, std::string_view patientId) const;
  /// \brief Replacement UID "2.25.<decimal>" built from 128 bits of HMAC of the original UID
  /// (PS3.5 B.2: UUID-derived UID form, at most 44 characters).
  std::string replaceUid(std::string_view uid) const;
  /// \brief Per-patient date shift in days, in [-3650, -1]: every date of one patient moves by
  /// the same amount, so intervals between that patient's studies are kept (PS3.15 E.3.6).
  int dateShiftDays(std::string_view patientKey) const;
  /// \brief Generic keyed token of `hexDigits` upper-case hex digits for `value` in `domain`.
  std::string token(std::string_view domain, std::string_view value, std::size_t hexDigits) const;

 private:
  KeyFile::SubKey pseudonymKey_;
  KeyFile::SubKey uidKey_;
  KeyFile::SubKey dateKey_;
};

}  // namespace medsight

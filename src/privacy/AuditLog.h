#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "privacy/AuditEvent.h"
#include "privacy/AuditSink.h"
#include "privacy/KeyFile.h"

namespace medsight {

/// \brief One problem found by AuditLog::verify, located by record position.
struct AuditProblem {
  /// \brief 1-based line (record position) in the sink where the problem shows.
  std::size_t line = 0;
  /// \brief "edited", "removed", "reordered", "truncated", "malformed".
  std::string kind;
  /// \brief What exactly did not match.
  std::string detail;
};

/// \brief Result of checking the whole chain.
struct AuditVerification {
  /// \brief Records read.
  std::size_t records = 0;
  /// \brief Empty when the log is intact.
  std::vector<AuditProblem> problems;
  /// \brief True when no problem was found.
  bool intact() const { return problems.empty(); }
};

/// \brief Tamper-evident, append-only audit trail of who (user or model with version and weights
/// hash) did what to which study, when, with which outcome. Record content follows the DICOM
/// audit message of PS3.15 A.5 / IHE ATNA (EventIdentification, ActiveParticipant,
/// AuditSourceIdentification, ParticipantObjectIdentification).
///
/// Each record carries a sequence number and the hash of the previous record, and its own hash
/// over both and its content: SHA-256, or HMAC-SHA-256 under the key's "audit" sub-key when a key
/// is given (then even someone who can rewrite the whole file cannot forge a valid chain). An
/// anchor kept beside the records names the last record, so removal from the end is caught too.
/// Thread-safe; the file sink also serialises concurrent processes.
class AuditLog {
 public:
  /// \brief A log over any sink (file now, database later); `key` enables the keyed chain.
  AuditLog(std::unique_ptr<AuditSink> sink, std::optional<KeyFile> key = std::nullopt);
  /// \brief A log stored in a JSON-lines file.
  static AuditLog openFile(const std::filesystem::path& path,
                           std::optional<KeyFile> key = std::nullopt);

  /// \brief Appends one event (time and source filled in) and returns its sequence number.
  std::uint64_t record(const AuditEvent& event);
  /// \brief Throws, as record() would, when the last stored record cannot be chained onto
  /// (IntegrityViolation): checked by a command before its work, so that a run is never done
  /// without the record of it.
  void requireAppendable() const;
  /// \brief Re-checks every record and the anchor; reports each edited, removed or reordered
  /// record with its position.
  AuditVerification verify() const;
  /// \brief The stored records as JSON text lines (for display).
  std::vector<std::string> records() const { return sink_->records(); }
  /// \brief Where the records are stored.
  std::string location() const { return sink_->location(); }

 private:
  std::string chainHash(const std::string& previousHash, const std::string& body) const;

  std::unique_ptr<AuditSink> sink_;
  std::optional<KeyFile::SubKey> key_;
};

}  // namespace medsight

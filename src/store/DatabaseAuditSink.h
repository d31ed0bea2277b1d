#pragma once

#include "privacy/AuditSink.h"
#include "store/Database.h"

namespace medsight {

/// \brief AuditSink in the MedSight database: records in `audit_records` (append-only by
/// sequence number), the anchor in `audit_anchor`. Appends are serialised across processes and
/// machines by the write transaction (PostgreSQL: an exclusive table lock), so the hash chain
/// stays linear when servers and workers audit concurrently.
class DatabaseAuditSink : public AuditSink {
 public:
  /// \brief Uses `database` (must outlive the sink).
  explicit DatabaseAuditSink(Database& database) : db_(database) {}
  /// \copydoc AuditSink::append
  void append(const RecordMaker& makeRecord) override;
  /// \copydoc AuditSink::records
  std::vector<std::string> records() const override;
  /// \copydoc AuditSink::anchor
  std::optional<std::string> anchor() const override;
  /// \copydoc AuditSink::location
  std::string location() const override { return db_.description() + "#audit_records"; }

 private:
  Database& db_;
};

}  // namespace medsight

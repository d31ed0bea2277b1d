#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace medsight {

/// \brief Where audit records are stored. AuditLog owns the chaining; a sink only stores lines
/// append-only and keeps an anchor (the last record's sequence number and hash) apart from the
/// records so that removing records from the end is detectable. FileAuditSink stores a JSON-lines
/// file; a database-backed sink can implement the same three operations.
class AuditSink {
 public:
  /// \brief Builds {record, anchor} from the last stored record (empty if none) and the stored
  /// anchor, both read under the sink's lock.
  using RecordMaker = std::function<std::pair<std::string, std::string>(
      const std::string& last, const std::optional<std::string>& anchor)>;

  virtual ~AuditSink() = default;
  /// \brief Appends one record built by `makeRecord`, atomically with respect to other writers
  /// of the same sink.
  virtual void append(const RecordMaker& makeRecord) = 0;
  /// \brief Every stored record, oldest first.
  virtual std::vector<std::string> records() const = 0;
  /// \brief The stored anchor, if any.
  virtual std::optional<std::string> anchor() const = 0;
  /// \brief Human-readable location for messages (file path, table name).
  virtual std::string location() const = 0;
  /// \brief Why this sink's empty state, with no record and no anchor, is suspect; empty when
  /// such a state is simply a log not yet written to (a new database).
  virtual std::string emptyStateConcern() const { return {}; }
};

}  // namespace medsight

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
  virtual ~AuditSink() = default;
  /// \brief Appends one record built from the current last record (empty if none), atomically
  /// with respect to other writers of the same sink; `makeRecord` returns {record, anchor}.
  virtual void append(
      const std::function<std::pair<std::string, std::string>(const std::string& last)>&
          makeRecord) = 0;
  /// \brief Every stored record, oldest first.
  virtual std::vector<std::string> records() const = 0;
  /// \brief The stored anchor, if any.
  virtual std::optional<std::string> anchor() const = 0;
  /// \brief Human-readable location for messages (file path, table name).
  virtual std::string location() const = 0;
};

}  // namespace medsight

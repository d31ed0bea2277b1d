#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/SqlRow.h"

namespace medsight {

/// \brief The SQL engines MedSight stores into.
enum class SqlDialect { Sqlite, Postgres };

/// \brief One connection to the database. The store writes its SQL once, with $1, $2 ...
/// placeholders and standard SQL (INSERT ... ON CONFLICT, RETURNING), which SQLite 3.35+ and
/// PostgreSQL both accept; the few dialect differences (DDL id columns, row locks) are chosen by
/// dialect(). Not thread-safe: one thread uses a connection at a time (Database's pool).
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  /// \brief Which engine this is.
  virtual SqlDialect dialect() const = 0;
  /// \brief Runs a statement returning rows.
  virtual SqlRows query(std::string_view sql, const SqlParams& params = {}) = 0;
  /// \brief Runs a statement; returns the number of rows changed.
  virtual std::int64_t execute(std::string_view sql, const SqlParams& params = {}) = 0;
  /// \brief Runs several ';'-separated statements without parameters (schema changes).
  virtual void executeScript(std::string_view sql) = 0;
  /// \brief Starts a transaction. `write` takes the write lock at once on SQLite (BEGIN
  /// IMMEDIATE) so two writers never deadlock upgrading read locks.
  virtual void begin(bool write) = 0;
  /// \brief Commits; durable on return (SQLite synchronous=FULL, PostgreSQL fsync on commit).
  virtual void commit() = 0;
  /// \brief Rolls back; never throws.
  virtual void rollback() noexcept = 0;
  /// \brief False once the server connection is lost; the pool then drops it.
  virtual bool healthy() const = 0;
};

}  // namespace medsight

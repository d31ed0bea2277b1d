#pragma once

#include <filesystem>
#include <memory>

#include "store/SqlConnection.h"

struct sqlite3;

namespace medsight {

/// \brief SqlConnection to an embedded SQLite file in WAL mode (readers never block the
/// writer), synchronous=FULL (a commit is on disk when it returns: DICOM acknowledgements rely
/// on it), foreign keys on, and a busy timeout so concurrent writers queue instead of failing.
class SqliteConnection : public SqlConnection {
 public:
  /// \brief Opens (creating) `file`; throws DatabaseError naming it.
  explicit SqliteConnection(const std::filesystem::path& file);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  /// \copydoc SqlConnection::dialect
  SqlDialect dialect() const override { return SqlDialect::Sqlite; }
  /// \copydoc SqlConnection::query
  SqlRows query(std::string_view sql, const SqlParams& params) override;
  /// \copydoc SqlConnection::execute
  std::int64_t execute(std::string_view sql, const SqlParams& params) override;
  /// \copydoc SqlConnection::executeScript
  void executeScript(std::string_view sql) override;
  /// \copydoc SqlConnection::begin
  void begin(bool write) override;
  /// \copydoc SqlConnection::commit
  void commit() override;
  /// \copydoc SqlConnection::rollback
  void rollback() noexcept override;
  /// \copydoc SqlConnection::healthy
  bool healthy() const override { return db_ != nullptr; }

 private:
  SqlRows run(std::string_view sql, const SqlParams& params, std::int64_t* changes);
  sqlite3* db_ = nullptr;  // owned; closed in the destructor (C API handle)
  std::string name_;
};

}  // namespace medsight

#pragma once

#include <memory>
#include <string>

#include "store/SqlConnection.h"

namespace medsight {

/// \brief SqlConnection to a PostgreSQL server through libpqxx. Transactions run at READ
/// COMMITTED; the job queue adds `FOR UPDATE SKIP LOCKED` so workers on many machines claim
/// different jobs without waiting for each other.
class PostgresConnection : public SqlConnection {
 public:
  /// \brief Connects with a libpq URI ("postgresql://user@host:port/db" or
  /// "postgresql:///db?host=/socket/dir"); throws Unavailable naming the server (password
  /// never printed).
  explicit PostgresConnection(const std::string& uri);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  /// \copydoc SqlConnection::dialect
  SqlDialect dialect() const override { return SqlDialect::Postgres; }
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
  bool healthy() const override;

  /// \brief The URI with any password replaced by "***" (for messages and logs).
  static std::string redact(const std::string& uri);

 private:
  SqlRows run(std::string_view sql, const SqlParams& params, std::int64_t* changes);
  struct Handles;  // libpqxx objects, kept out of this header
  std::unique_ptr<Handles> handles_;
  std::string name_;
};

}  // namespace medsight

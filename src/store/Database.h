#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "store/SqlConnection.h"

namespace medsight {

/// \brief The MedSight database: a pool of connections to SQLite (embedded, default) or
/// PostgreSQL (`postgresql://...`), with the schema brought to the current version on open.
/// Everything above it (StudyStore, JobQueue, FindingStore, UserStore) is written once against
/// SqlConnection, so both engines run the same code and the same tests.
class Database {
 public:
  /// \brief A pooled connection, returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Database& owner, std::unique_ptr<SqlConnection> connection)
        : owner_(&owner), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease();
    /// \brief The connection.
    SqlConnection& operator*() const { return *connection_; }
    /// \brief The connection.
    SqlConnection* operator->() const { return connection_.get(); }

   private:
    Database* owner_;
    std::unique_ptr<SqlConnection> connection_;
  };

  /// \brief Opens `url`: "postgresql://..." (or "postgres://"), "sqlite:PATH" or a plain file
  /// path (SQLite). Applies pending schema migrations; throws DatabaseError/Unavailable naming
  /// the database, or Conflict when the schema is newer than this MedSight knows.
  static std::unique_ptr<Database> open(const std::string& url, int poolSize = 8);
  /// \brief Use open(); public only for std::make_unique (the tag is private).
  struct PrivateTag {
    explicit PrivateTag() = default;
  };
  /// \brief Use open().
  Database(PrivateTag, std::string url, SqlDialect dialect, int poolSize);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// \brief Engine of this database.
  SqlDialect dialect() const { return dialect_; }
  /// \brief The URL with passwords hidden.
  const std::string& description() const { return description_; }
  /// \brief Schema version now in the database.
  int schemaVersion();
  /// \brief A connection from the pool (waits while all are in use).
  Lease acquire();

  /// \brief Runs `fn(SqlConnection&)` in one write transaction: committed (durably) when it
  /// returns, rolled back when it throws.
  template <class F>
  auto transact(F&& fn) -> std::invoke_result_t<F, SqlConnection&> {
    Lease lease = acquire();
    lease->begin(true);
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F, SqlConnection&>>) {
        fn(*lease);
        lease->commit();
      } else {
        auto result = fn(*lease);
        lease->commit();
        return result;
      }
    } catch (...) {
      lease->rollback();
      throw;
    }
  }

  /// \brief Runs `fn(SqlConnection&)` outside a transaction (single reads).
  template <class F>
  auto read(F&& fn) -> std::invoke_result_t<F, SqlConnection&> {
    Lease lease = acquire();
    return fn(*lease);
  }

  /// \brief Milliseconds since the Unix epoch (all stored times use it).
  static std::int64_t nowMillis();

 private:
  std::unique_ptr<SqlConnection> connect();
  void release(std::unique_ptr<SqlConnection> connection);

  std::string url_;
  std::string description_;
  SqlDialect dialect_;
  int poolSize_;
  int created_ = 0;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace medsight

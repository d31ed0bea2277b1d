#include "store/Database.h"

#include <chrono>

#include "core/Error.h"
#include "store/PostgresConnection.h"
#include "store/SchemaMigrations.h"
#include "store/SqliteConnection.h"

namespace medsight {
namespace {

bool isPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string sqlitePath(const std::string& url) {
  return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
}

}  // namespace

Database::Lease::~Lease() {
  if (owner_ && connection_) owner_->release(std::move(connection_));
}

Database::Database(PrivateTag, std::string url, SqlDialect dialect, int poolSize)
    : url_(std::move(url)), dialect_(dialect), poolSize_(std::max(1, poolSize)) {
  description_ = dialect_ == SqlDialect::Postgres ? PostgresConnection::redact(url_)
                                                  : "sqlite:" + sqlitePath(url_);
}

Database::~Database() = default;

std::unique_ptr<Database> Database::open(const std::string& url, int poolSize) {
  if (url.empty()) throw Error(ErrorCode::InvalidArgument, "--db: empty database URL");
  const SqlDialect dialect = isPostgresUrl(url) ? SqlDialect::Postgres : SqlDialect::Sqlite;
  if (dialect == SqlDialect::Sqlite && sqlitePath(url).empty()) {
    throw Error(ErrorCode::InvalidArgument, url + ": SQLite URL names no file");
  }
  auto db = std::make_unique<Database>(PrivateTag{}, url, dialect, poolSize);
  {
    Lease lease = db->acquire();
    SchemaMigrations::apply(*lease, db->description_);
  }
  return db;
}

std::unique_ptr<SqlConnection> Database::connect() {
  if (dialect_ == SqlDialect::Postgres) return std::make_unique<PostgresConnection>(url_);
  return std::make_unique<SqliteConnection>(sqlitePath(url_));
}

Database::Lease Database::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || created_ < poolSize_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++created_;
  lock.unlock();
  try {
    return Lease(*this, connect());
  } catch (...) {
    std::lock_guard relock(mutex_);
    --created_;
    available_.notify_one();
    throw;
  }
}

void Database::release(std::unique_ptr<SqlConnection> connection) {
  connection->rollback();
  std::lock_guard lock(mutex_);
  if (connection->healthy()) {
    idle_.push_back(std::move(connection));
  } else {
    --created_;  // a broken PostgreSQL connection is dropped; the next acquire reconnects
  }
  available_.notify_one();
}

int Database::schemaVersion() {
  return read([](SqlConnection& c) { return SchemaMigrations::currentVersion(c); });
}

std::int64_t Database::nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace medsight

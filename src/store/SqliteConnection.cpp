#include "store/SqliteConnection.h"

#include <sqlite3.h>

#include "core/Error.h"

namespace medsight {
namespace {

/// Finalises a statement when it goes out of scope.
struct StatementCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

}  // namespace

SqliteConnection::SqliteConnection(const std::filesystem::path& file) : name_(file.string()) {
  const int rc =
      sqlite3_open_v2(name_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorCode::DatabaseError, name_ + ": cannot open SQLite database: " + message);
  }
  sqlite3_busy_timeout(db_, 30000);
  // WAL: readers never block the writer; FULL: the WAL is fsynced at every commit, so a
  // committed row survives power loss (the DICOM receiver acknowledges only after that).
  executeScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA temp_store=MEMORY;");
}

SqliteConnection::~SqliteConnection() {
  if (db_) sqlite3_close_v2(db_);
}

SqlRows SqliteConnection::run(std::string_view sql, const SqlParams& params,
                              std::int64_t* changes) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    throw Error(ErrorCode::DatabaseError,
                name_ + ": " + sqlite3_errmsg(db_) + " in: " + std::string(sql.substr(0, 200)));
  }
  std::unique_ptr<sqlite3_stmt, StatementCloser> stmt(raw);
  // The SQL uses $1, $2 ...: bind by name so repeated or reordered placeholders stay right.
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string name = "$" + std::to_string(i + 1);
    const int index = sqlite3_bind_parameter_index(raw, name.c_str());
    if (index == 0) continue;
    const auto& value = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(raw, index);
    } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
      rc = sqlite3_bind_int64(raw, index, *n);
    } else if (const auto* d = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(raw, index, *d);
    } else {
      const auto& s = std::get<std::string>(value);
      rc = sqlite3_bind_text(raw, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
      throw Error(ErrorCode::DatabaseError,
                  name_ + ": cannot bind " + name + ": " + sqlite3_errmsg(db_));
    }
  }
  SqlRows rows;
  std::vector<std::string> names;
  const int columns = sqlite3_column_count(raw);
  for (int c = 0; c < columns; ++c) names.emplace_back(sqlite3_column_name(raw, c));
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      const ErrorCode code = (rc == SQLITE_CONSTRAINT) ? ErrorCode::Conflict
                             : (rc == SQLITE_BUSY)     ? ErrorCode::Unavailable
                                                       : ErrorCode::DatabaseError;
      throw Error(code, name_ + ": " + sqlite3_errmsg(db_));
    }
    std::vector<std::optional<std::string>> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(raw, c) == SQLITE_NULL) {
        values.emplace_back(std::nullopt);
      } else {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
        values.emplace_back(
            std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(raw, c))));
      }
    }
    rows.emplace_back(names, std::move(values));
  }
  if (changes) *changes = sqlite3_changes64(db_);
  return rows;
}

SqlRows SqliteConnection::query(std::string_view sql, const SqlParams& params) {
  return run(sql, params, nullptr);
}

std::int64_t SqliteConnection::execute(std::string_view sql, const SqlParams& params) {
  std::int64_t changes = 0;
  run(sql, params, &changes);
  return changes;
}

void SqliteConnection::executeScript(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string detail = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error(ErrorCode::DatabaseError, name_ + ": " + detail);
  }
}

void SqliteConnection::begin(bool write) {
  executeScript(write ? "BEGIN IMMEDIATE" : "BEGIN");
}

void SqliteConnection::commit() {
  executeScript("COMMIT");
}

void SqliteConnection::rollback() noexcept {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace medsight

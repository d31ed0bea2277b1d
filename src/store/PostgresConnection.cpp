#include "store/PostgresConnection.h"

#include <cstdio>
#include <pqxx/pqxx>
#include <regex>

#include "core/Error.h"

namespace medsight {
namespace {

std::string formatReal(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

struct PostgresConnection::Handles {
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<pqxx::work> transaction;
};

std::string PostgresConnection::redact(const std::string& uri) {
  static const std::regex password(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  std::string out = std::regex_replace(uri, password, "$1:***@");
  static const std::regex keyword(R"(password=[^&\s]*)");
  return std::regex_replace(out, keyword, "password=***");
}

PostgresConnection::PostgresConnection(const std::string& uri)
    : handles_(std::make_unique<Handles>()), name_(redact(uri)) {
  try {
    handles_->connection = std::make_unique<pqxx::connection>(uri);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Unavailable,
                name_ + ": cannot connect to PostgreSQL: " + std::string(e.what()));
  }
}

PostgresConnection::~PostgresConnection() {
  handles_->transaction.reset();
  handles_->connection.reset();
}

bool PostgresConnection::healthy() const {
  return handles_->connection && handles_->connection->is_open();
}

SqlRows PostgresConnection::run(std::string_view sql, const SqlParams& params,
                                std::int64_t* changes) {
  std::vector<std::string> storage(params.size());
  std::vector<const char*> pointers(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& value = params[i];
    if (std::holds_alternative<std::monostate>(value)) continue;  // NULL
    if (const auto* n = std::get_if<std::int64_t>(&value)) {
      storage[i] = std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&value)) {
      storage[i] = formatReal(*d);
    } else {
      storage[i] = std::get<std::string>(value);
    }
    pointers[i] = storage[i].c_str();
  }
  const std::string text(sql);
  try {
    pqxx::result result;
    if (handles_->transaction) {
      result =
          handles_->transaction->exec_params(text, pqxx::prepare::make_dynamic_params(pointers));
    } else {
      pqxx::nontransaction tx(*handles_->connection);
      result = tx.exec_params(text, pqxx::prepare::make_dynamic_params(pointers));
    }
    if (changes) *changes = static_cast<std::int64_t>(result.affected_rows());
    std::vector<std::string> names;
    for (pqxx::row::size_type c = 0; c < result.columns(); ++c) {
      names.emplace_back(result.column_name(c));
    }
    SqlRows rows;
    rows.reserve(result.size());
    for (const auto& row : result) {
      std::vector<std::optional<std::string>> values;
      values.reserve(row.size());
      for (const auto& field : row) {
        if (field.is_null()) {
          values.emplace_back(std::nullopt);
        } else {
          values.emplace_back(std::string(field.c_str(), field.size()));
        }
      }
      rows.emplace_back(names, std::move(values));
    }
    return rows;
  } catch (const pqxx::unique_violation& e) {
    throw Error(ErrorCode::Conflict, name_ + ": " + e.what());
  } catch (const pqxx::broken_connection& e) {
    throw Error(ErrorCode::Unavailable, name_ + ": connection lost: " + e.what());
  } catch (const pqxx::sql_error& e) {
    throw Error(ErrorCode::DatabaseError, name_ + ": " + e.what());
  }
}

SqlRows PostgresConnection::query(std::string_view sql, const SqlParams& params) {
  return run(sql, params, nullptr);
}

std::int64_t PostgresConnection::execute(std::string_view sql, const SqlParams& params) {
  std::int64_t changes = 0;
  run(sql, params, &changes);
  return changes;
}

void PostgresConnection::executeScript(std::string_view sql) {
  const std::string text(sql);
  try {
    if (handles_->transaction) {
      handles_->transaction->exec(text);
    } else {
      pqxx::nontransaction tx(*handles_->connection);
      tx.exec(text);
    }
  } catch (const pqxx::broken_connection& e) {
    throw Error(ErrorCode::Unavailable, name_ + ": connection lost: " + e.what());
  } catch (const std::exception& e) {
    throw Error(ErrorCode::DatabaseError, name_ + ": " + e.what());
  }
}

void PostgresConnection::begin(bool) {
  if (handles_->transaction) throw Error(ErrorCode::Internal, name_ + ": nested transaction");
  try {
    handles_->transaction = std::make_unique<pqxx::work>(*handles_->connection);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Unavailable, name_ + ": cannot start a transaction: " + e.what());
  }
}

void PostgresConnection::commit() {
  if (!handles_->transaction)
    throw Error(ErrorCode::Internal, name_ + ": commit without transaction");
  try {
    handles_->transaction->commit();
    handles_->transaction.reset();
  } catch (const std::exception& e) {
    handles_->transaction.reset();
    throw Error(ErrorCode::DatabaseError, name_ + ": commit failed: " + e.what());
  }
}

void PostgresConnection::rollback() noexcept {
  try {
    if (handles_->transaction) handles_->transaction->abort();
  } catch (...) {
    // The connection may be gone; healthy() tells the pool.
  }
  handles_->transaction.reset();
}

}  // namespace medsight

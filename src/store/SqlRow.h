#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace medsight {

/// \brief One bound SQL parameter: NULL, an integer, a real or text. Both backends bind the
/// same values, so the store's SQL is written once with $1, $2 ... placeholders.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;

/// \brief Parameters of one statement, in placeholder order ($1 first).
using SqlParams = std::vector<SqlValue>;

/// \brief One result row: each column as text (NULL = empty optional), with typed accessors.
/// Both SQLite and PostgreSQL give text forms of every value, so one representation serves both.
class SqlRow {
 public:
  /// \brief A row of named columns.
  SqlRow(std::vector<std::string> names, std::vector<std::optional<std::string>> values);
  /// \brief Number of columns.
  std::size_t size() const { return values_.size(); }
  /// \brief True if the column is NULL.
  bool isNull(std::size_t column) const { return !values_.at(column).has_value(); }
  /// \brief Text of a column ("" for NULL).
  std::string text(std::size_t column) const;
  /// \brief Integer value of a column (0 for NULL); throws DatabaseError for non-numbers.
  std::int64_t integer(std::size_t column) const;
  /// \brief Real value of a column (0 for NULL); throws DatabaseError for non-numbers.
  double real(std::size_t column) const;
  /// \brief Index of a named column; throws DatabaseError if absent.
  std::size_t index(std::string_view name) const;
  /// \brief Text of a named column.
  std::string text(std::string_view name) const { return text(index(name)); }
  /// \brief Integer of a named column.
  std::int64_t integer(std::string_view name) const { return integer(index(name)); }
  /// \brief Real of a named column.
  double real(std::string_view name) const { return real(index(name)); }

 private:
  std::vector<std::string> names_;
  std::vector<std::optional<std::string>> values_;
};

/// \brief Rows of one query.
using SqlRows = std::vector<SqlRow>;

}  // namespace medsight

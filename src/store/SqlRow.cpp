#include "store/SqlRow.h"

#include <charconv>
#include <cstdlib>

#include "core/Error.h"

namespace medsight {

SqlRow::SqlRow(std::vector<std::string> names, std::vector<std::optional<std::string>> values)
    : names_(std::move(names)), values_(std::move(values)) {}

std::string SqlRow::text(std::size_t column) const {
  const auto& v = values_.at(column);
  return v ? *v : std::string();
}

std::int64_t SqlRow::integer(std::size_t column) const {
  const auto& v = values_.at(column);
  if (!v || v->empty()) return 0;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size()) {
    // PostgreSQL prints booleans as t/f.
    if (*v == "t") return 1;
    if (*v == "f") return 0;
    throw Error(ErrorCode::DatabaseError,
                "column " + names_.at(column) + ": '" + *v + "' is not an integer");
  }
  return out;
}

double SqlRow::real(std::size_t column) const {
  const auto& v = values_.at(column);
  if (!v || v->empty()) return 0.0;
  char* end = nullptr;
  const double out = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size()) {
    throw Error(ErrorCode::DatabaseError,
                "column " + names_.at(column) + ": '" + *v + "' is not a number");
  }
  return out;
}

std::size_t SqlRow::index(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  throw Error(ErrorCode::DatabaseError, "result has no column " + std::string(name));
}

}  // namespace medsight

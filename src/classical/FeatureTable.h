#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace medsight {

/// \brief A contiguous range of columns that came from one input file (one modality).
struct ColumnBlock {
  std::string name;
  std::size_t begin = 0, end = 0;  ///< [begin, end)
};

/// \brief Samples x features of doubles (row-major) with sample IDs and column names: what the
/// classical learners train and predict on.
struct FeatureTable {
  std::vector<std::string> ids;      ///< one per row
  std::vector<std::string> columns;  ///< one per column
  std::vector<double> values;        ///< rows() * cols(), row-major

  /// \brief Number of samples.
  std::size_t rows() const { return ids.size(); }
  /// \brief Number of features.
  std::size_t cols() const { return columns.size(); }
  /// \brief Value of row r, column c.
  double at(std::size_t r, std::size_t c) const { return values[r * columns.size() + c]; }
  /// \brief Mutable value of row r, column c.
  double& at(std::size_t r, std::size_t c) { return values[r * columns.size() + c]; }
  /// \brief Pointer to row r.
  const double* row(std::size_t r) const { return values.data() + r * columns.size(); }
  /// \brief The rows with these indices, in this order.
  FeatureTable selectRows(const std::vector<std::size_t>& indices) const;
  /// \brief The columns with these indices, in this order.
  FeatureTable selectColumns(const std::vector<std::size_t>& indices) const;
  /// \brief Index of a column by name, or -1.
  long columnIndex(const std::string& name) const;
  /// \brief Throws InvalidArgument naming `source`, the row ID and the column of the first
  /// NaN or infinite value (learners cannot use them; see --impute).
  void requireFinite(const std::string& source) const;
};

}  // namespace medsight

#pragma once

#include <cstddef>
#include <vector>

namespace medsight {

/// \brief Row-major matrix of doubles: the numeric input of the learners.
struct DenseMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> data;

  /// \brief Element (r, c).
  double at(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
  /// \brief Mutable element (r, c).
  double& at(std::size_t r, std::size_t c) { return data[r * cols + c]; }
  /// \brief Pointer to row r.
  const double* row(std::size_t r) const { return data.data() + r * cols; }
  /// \brief The rows with these indices.
  DenseMatrix selectRows(const std::vector<std::size_t>& indices) const {
    DenseMatrix out{indices.size(), cols, {}};
    out.data.reserve(indices.size() * cols);
    for (std::size_t r : indices) out.data.insert(out.data.end(), row(r), row(r) + cols);
    return out;
  }
};

}  // namespace medsight

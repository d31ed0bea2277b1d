#include "classical/FeatureTable.h"

#include <cmath>

#include "core/Error.h"

namespace medsight {

FeatureTable FeatureTable::selectRows(const std::vector<std::size_t>& indices) const {
  FeatureTable out;
  out.columns = columns;
  out.ids.reserve(indices.size());
  out.values.reserve(indices.size() * cols());
  for (std::size_t r : indices) {
    out.ids.push_back(ids[r]);
    out.values.insert(out.values.end(), row(r), row(r) + cols());
  }
  return out;
}

FeatureTable FeatureTable::selectColumns(const std::vector<std::size_t>& indices) const {
  FeatureTable out;
  out.ids = ids;
  for (std::size_t c : indices) out.columns.push_back(columns[c]);
  out.values.reserve(rows() * indices.size());
  for (std::size_t r = 0; r < rows(); ++r) {
    for (std::size_t c : indices) out.values.push_back(at(r, c));
  }
  return out;
}

long FeatureTable::columnIndex(const std::string& name) const {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] == name) return long(c);
  }
  return -1;
}

void FeatureTable::requireFinite(const std::string& source) const {
  for (std::size_t r = 0; r < rows(); ++r) {
    for (std::size_t c = 0; c < cols(); ++c) {
      const double v = at(r, c);
      if (!std::isfinite(v)) {
        throw Error(ErrorCode::InvalidArgument,
                    source + ": sample '" + ids[r] + "', feature '" + columns[c] + "' is " +
                        (std::isnan(v) ? "NaN (missing)" : "infinite") +
                        "; learners need finite values (fix the data or use --impute median)");
      }
    }
  }
}

}  // namespace medsight

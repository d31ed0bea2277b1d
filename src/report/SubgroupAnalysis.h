#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "eval/BinaryEvaluation.h"
#include "models/LabeledImageSet.h"

namespace medsight {

/// \brief Performance in one subgroup (one value of one data column).
struct SubgroupRow {
  std::string column;
  std::string value;
  BinaryEvaluation evaluation;
};

/// \brief Performance per subgroup for the data's categorical columns (e.g. sex, site,
/// scanner): columns of a labels CSV with 2..maxLevels distinct values that are not
/// identifiers. A model that works on average can fail one group; this table shows it.
class SubgroupAnalysis {
 public:
  /// \brief Columns treated as subgroups.
  static std::vector<std::string> subgroupColumns(const LabeledImageSet& data,
                                                  std::size_t maxLevels = 20);
  /// \brief One row per (column, value) with AUC, sensitivity, specificity, PPV, NPV and
  /// bootstrap CIs at `threshold`.
  static std::vector<SubgroupRow> compute(const LabeledImageSet& data,
                                          std::span<const double> probabilities, double threshold,
                                          const BootstrapOptions& options,
                                          std::size_t maxLevels = 20);
  /// \brief Rows as JSON.
  static nlohmann::json toJson(const std::vector<SubgroupRow>& rows);
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "radiomics/RadiomicFeatureSet.h"

namespace medsight {

/// \brief A wide CSV table of features, one row per case (first column `id`, then one column
/// per feature), the input format of `medsight classical`. Rows are inserted or replaced by ID
/// and the file is rewritten atomically, so a batch of `medsight radiomics ... --table` calls
/// builds a cohort table.
class WideFeatureTable {
 public:
  /// \brief Inserts or replaces the row `id` of `path` with `features` (creating the file).
  /// Throws InvalidArgument when the file's columns differ from the features' columns (another
  /// configuration) or `id` is empty or contains a comma, quote or newline.
  static void upsert(const std::filesystem::path& path, const std::string& id,
                     const RadiomicFeatureSet& features);
};

}  // namespace medsight

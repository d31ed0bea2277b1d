#pragma once

#include <optional>
#include <string>

#include "models/LabeledImageSet.h"

namespace medsight {

struct TrainingConfig;

/// \brief The images a classifier training config names, split as training uses them: an NPZ's
/// training split (fitted) and validation split (model selection), or every row of a labels
/// CSV (fitted, in cross-validation); with the `data_sha256` its manifest records.
struct TrainingDataSets {
  LabeledImageSet fitted;
  std::optional<LabeledImageSet> selection;
  std::string hash;

  /// \brief Loads and checks the data of `config` (two classes; LabelMismatch, EmptyInput).
  static TrainingDataSets load(const TrainingConfig& config, int threads);
};

}  // namespace medsight

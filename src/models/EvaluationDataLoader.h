#pragma once

#include <string>

#include "models/LabeledImageSet.h"
#include "models/ModelManifest.h"

namespace medsight {

/// \brief Labelled data a model is evaluated on: an npz split (default `test` when present,
/// else `val`) or a labels CSV whose label column defaults to the one the model was trained on.
class EvaluationDataLoader {
 public:
  /// \brief The loaded images and the npz split actually used (empty for a CSV).
  struct Result {
    LabeledImageSet set;
    std::string split;
  };
  /// \brief Loads `data`; InvalidArgument when `split` is given for a CSV.
  static Result load(const std::string& data, const std::string& split,
                     const std::string& imageColumn, const std::string& labelColumn,
                     const ModelManifest& manifest, int threads);
};

}  // namespace medsight

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "classical/ClassicalModel.h"

namespace medsight {

/// \brief Options of the outer loop.
struct NestedCvOptions {
  int outerFolds = 5;
  int repeats = 1;             ///< repetitions with reshuffled outer folds
  int permutationRepeats = 5;  ///< shuffles per feature for permutation importance (0 = off)
};

/// \brief Permutation importance of one input column: the drop in held-out AUC when its values
/// are shuffled among the test rows (Breiman 2001; Fisher et al. 2019), averaged over folds.
struct PermutationImportance {
  std::string feature;
  double meanDrop = 0;
  double sdDrop = 0;  ///< across folds
};

/// \brief Unbiased performance estimate of the whole training procedure (search included):
/// each outer stratified fold trains a model on the other folds (with its own inner search) and
/// predicts the held-out fold (Varma and Simon, BMC Bioinformatics 2006).
struct NestedCvResult {
  std::vector<double> probability;       ///< out-of-fold probability per sample (mean over repeats)
  std::vector<double> repeatAuc;         ///< pooled out-of-fold AUC of each repeat
  std::vector<double> foldAuc;           ///< AUC of every outer fold
  std::vector<std::string> foldChoices;  ///< what the inner search chose in each outer fold
  std::vector<PermutationImportance> importance;  ///< sorted, largest drop first

  /// \brief Runs the outer loop around ClassicalModel::train.
  static NestedCvResult run(const FeatureTable& table, const std::vector<ColumnBlock>& blocks,
                            std::span<const int> labels, const TrainingOptions& training,
                            const NestedCvOptions& options, const std::string& source);
};

}  // namespace medsight

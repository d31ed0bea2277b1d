#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "classical/ClassificationPipeline.h"
#include "classical/FeatureTable.h"

namespace medsight {

/// \brief Outcome of a cross-validated search.
struct SearchResult {
  PipelineSpec best;
  double bestAuc = 0;                 ///< mean AUC over the folds
  std::vector<double> bestOofScores;  ///< out-of-fold scores of the best candidate, per row
  std::vector<std::pair<std::string, double>> leaderboard;  ///< every candidate, best first
};

/// \brief Hyper-parameter grids and their stratified k-fold search (mean fold AUC decides;
/// ties go to the candidate listed first, the simpler one). Candidate x fold fits run in
/// parallel.
class HyperparameterSearch {
 public:
  /// \brief Feature counts as they act on a table of `columns` features: a count at or above
  /// it keeps them all (0), and counts that then coincide are tried once.
  static std::vector<std::size_t> effectiveSelectCounts(const std::vector<std::size_t>& counts,
                                                        std::size_t columns);
  /// \brief The grid: each learner's hyper-parameter values crossed with the feature counts.
  static std::vector<PipelineSpec> grid(const std::vector<std::string>& learners,
                                        const std::vector<std::size_t>& selectCounts,
                                        const FeatureTransformSettings& base, bool balanced);
  /// \brief Default learners of `--learner auto`.
  static const std::vector<std::string>& autoLearners();
  /// \brief Cross-validates every candidate on `table` and picks the best.
  static SearchResult run(const FeatureTable& table, std::span<const int> labels,
                          const std::vector<PipelineSpec>& candidates, int folds,
                          std::uint64_t seed, int threads, const std::string& source);
};

}  // namespace medsight

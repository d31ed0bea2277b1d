#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace medsight {

/// \brief Stratified k-fold splits: each fold holds about 1/k of each class (shuffled with a
/// seed), so every training part has both classes. Repeats reshuffle with derived seeds.
class StratifiedFolds {
 public:
  /// \brief fold[i] = the fold (0..k-1) sample i is tested in. Throws LabelMismatch when a class
  /// has fewer than k samples.
  static std::vector<int> assign(std::span<const int> labels, int k, std::uint64_t seed);
  /// \brief Indices with fold != f (training) or == f (test).
  static std::vector<std::size_t> members(const std::vector<int>& folds, int f, bool test);
};

}  // namespace medsight

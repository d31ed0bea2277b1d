#include "classical/StratifiedFolds.h"

#include <algorithm>
#include <random>

#include "core/Error.h"

namespace medsight {

std::vector<int> StratifiedFolds::assign(std::span<const int> labels, int k, std::uint64_t seed) {
  if (k < 2) throw Error(ErrorCode::InvalidArgument, "cross-validation needs at least 2 folds");
  std::vector<std::size_t> byClass[2];
  for (std::size_t i = 0; i < labels.size(); ++i) byClass[labels[i] ? 1 : 0].push_back(i);
  for (int c = 0; c < 2; ++c) {
    if (int(byClass[c].size()) < k) {
      throw Error(ErrorCode::LabelMismatch,
                  "class " + std::to_string(c) + " has " + std::to_string(byClass[c].size()) +
                      " samples, fewer than the " + std::to_string(k) + " folds");
    }
  }
  std::mt19937_64 rng(seed);
  std::vector<int> fold(labels.size(), 0);
  int offset = 0;
  for (int c = 0; c < 2; ++c) {
    std::shuffle(byClass[c].begin(), byClass[c].end(), rng);
    // Continue the round-robin across classes so fold sizes stay within one of each other.
    for (std::size_t j = 0; j < byClass[c].size(); ++j) {
      fold[byClass[c][j]] = int((j + std::size_t(offset)) % std::size_t(k));
    }
    offset = int((byClass[c].size() + std::size_t(offset)) % std::size_t(k));
  }
  return fold;
}

std::vector<std::size_t> StratifiedFolds::members(const std::vector<int>& folds, int f, bool test) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < folds.size(); ++i) {
    if ((folds[i] == f) == test) out.push_back(i);
  }
  return out;
}

}  // namespace medsight

#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "classical/FeatureTable.h"

namespace medsight::test {

/// \brief n samples with p standard-normal features; the label depends on features 0 and 1
/// (logit 2 x0 - 1.5 x1) unless `informative` is false (then labels are coin flips).
inline FeatureTable syntheticTable(std::size_t n, std::size_t p, unsigned seed, bool informative,
                                   std::vector<int>* labels) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  FeatureTable t;
  for (std::size_t c = 0; c < p; ++c) t.columns.push_back("x" + std::to_string(c));
  labels->clear();
  for (std::size_t r = 0; r < n; ++r) {
    t.ids.push_back("S" + std::to_string(r));
    std::vector<double> row(p);
    for (auto& v : row) v = normal(rng);
    t.values.insert(t.values.end(), row.begin(), row.end());
    const double logit = informative ? 2.0 * row[0] - 1.5 * row[1] : 0.0;
    labels->push_back(uniform(rng) < 1.0 / (1.0 + std::exp(-logit)) ? 1 : 0);
  }
  return t;
}

}  // namespace medsight::test

#include "eval/MeanSummary.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace medsight {

nlohmann::json MeanSummary::of(const std::vector<double>& v, std::uint64_t seed) {
  if (v.empty()) return nullptr;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  std::vector<double> sorted(v);
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted.size() % 2
                            ? sorted[sorted.size() / 2]
                            : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, v.size() - 1);
  std::vector<double> means;
  for (int b = 0; b < 2000; ++b) {
    double s = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) s += v[pick(rng)];
    means.push_back(s / static_cast<double>(v.size()));
  }
  std::sort(means.begin(), means.end());
  return {{"mean", mean},
          {"median", median},
          {"std", v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0},
          {"min", sorted.front()},
          {"max", sorted.back()},
          {"ci95_lower", means[49]},
          {"ci95_upper", means[1949]},
          {"n", v.size()}};
}

}  // namespace medsight

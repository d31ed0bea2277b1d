#include "eval/WilcoxonSignedRankTest.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace medsight {

namespace {

constexpr std::size_t kExactLimit = 300;

}  // namespace

nlohmann::json WilcoxonSignedRankTest::Result::toJson() const {
  return {{"n_nonzero", nonZero},
          {"zeros", zeros},
          {"w_plus", positiveRankSum},
          {"w_minus", negativeRankSum},
          {"p_two_sided", pValue},
          {"method", exact ? "exact" : "normal approximation with continuity correction"}};
}

WilcoxonSignedRankTest::Result WilcoxonSignedRankTest::test(
    const std::vector<double>& differences) {
  Result r;
  std::vector<double> d;
  for (double x : differences) {
    if (x == 0.0) {
      ++r.zeros;
    } else {
      d.push_back(x);
    }
  }
  r.nonZero = d.size();
  const std::size_t n = d.size();
  if (n == 0) return r;

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return std::abs(d[a]) < std::abs(d[b]); });
  // Twice the average rank of each difference: an integer even with ties (ranks i..j average
  // (i + j) / 2), so the exact distribution can be counted over integers.
  std::vector<std::size_t> doubledRank(n);
  double tieTerm = 0.0;  // sum of t^3 - t over tie groups, for the normal variance
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && std::abs(d[order[j + 1]]) == std::abs(d[order[i]])) ++j;
    for (std::size_t k = i; k <= j; ++k) doubledRank[order[k]] = (i + 1) + (j + 1);
    const double t = static_cast<double>(j - i + 1);
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  std::size_t doubledPlus = 0, doubledTotal = 0;
  for (std::size_t i = 0; i < n; ++i) {
    doubledTotal += doubledRank[i];
    if (d[i] > 0) doubledPlus += doubledRank[i];
  }
  r.positiveRankSum = static_cast<double>(doubledPlus) / 2.0;
  r.negativeRankSum = static_cast<double>(doubledTotal - doubledPlus) / 2.0;

  if (n <= kExactLimit) {
    // p[s] = P(2 W+ = s) under the null, where each rank is positive or negative with
    // probability 1/2, independently; probabilities rather than counts of 2^n stay in range.
    std::vector<double> p(doubledTotal + 1, 0.0), next(doubledTotal + 1, 0.0);
    p[0] = 1.0;
    std::size_t reach = 0;  // largest sum reachable so far
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t r2 = doubledRank[i];
      std::fill(next.begin(), next.begin() + static_cast<std::ptrdiff_t>(reach + r2 + 1), 0.0);
      for (std::size_t s = 0; s <= reach; ++s) {
        next[s] += 0.5 * p[s];       // this rank negative
        next[s + r2] += 0.5 * p[s];  // this rank positive
      }
      reach += r2;
      std::swap(p, next);
    }
    // Two-sided: twice the smaller tail, at most 1 (the distribution is symmetric about
    // doubledTotal / 2).
    const std::size_t low = std::min(doubledPlus, doubledTotal - doubledPlus);
    double tail = 0.0;
    for (std::size_t s = 0; s <= low; ++s) tail += p[s];
    r.pValue = std::min(1.0, 2.0 * tail);
    r.exact = true;
    return r;
  }
  const double nn = static_cast<double>(n);
  const double mean = nn * (nn + 1.0) / 4.0;
  const double variance = nn * (nn + 1.0) * (2.0 * nn + 1.0) / 24.0 - tieTerm / 48.0;
  const double z =
      variance > 0 ? (std::abs(r.positiveRankSum - mean) - 0.5) / std::sqrt(variance) : 0.0;
  r.pValue = std::min(1.0, std::erfc(std::max(0.0, z) / std::sqrt(2.0)));
  r.exact = false;
  return r;
}

}  // namespace medsight

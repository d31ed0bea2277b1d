#include "eval/RankCorrelation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/Error.h"

namespace medsight {
namespace {

void checkSamples(std::span<const double> a, std::span<const double> b, const char* what) {
  if (a.size() != b.size()) {
    throw Error(ErrorCode::InvalidArgument, std::string(what) + ": samples differ in length (" +
                                                std::to_string(a.size()) + " vs " +
                                                std::to_string(b.size()) + ")");
  }
  if (a.empty()) throw Error(ErrorCode::EmptyInput, std::string(what) + ": empty samples");
}

}  // namespace

std::vector<double> RankCorrelation::midRanks(std::span<const double> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    // Ranks start..end-1 (0-based) shared: mean 1-based rank is (start + end + 1) / 2.
    const double rank = (static_cast<double>(start + end) + 1.0) / 2.0;
    for (std::size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

double RankCorrelation::pearson(std::span<const double> a, std::span<const double> b) {
  checkSamples(a, b, "Pearson correlation");
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa <= 0.0 || sbb <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

double RankCorrelation::spearman(std::span<const double> a, std::span<const double> b) {
  checkSamples(a, b, "Spearman correlation");
  const auto ra = midRanks(a);
  const auto rb = midRanks(b);
  return pearson(ra, rb);
}

}  // namespace medsight

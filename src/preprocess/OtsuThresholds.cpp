#include "preprocess/OtsuThresholds.h"

#include <algorithm>

#include "core/Error.h"

namespace medsight {

std::vector<double> OtsuThresholds::compute(const IntensityStatistics& sample, int classes,
                                            int bins) {
  if (classes < 2 || classes > 3) {
    throw Error(ErrorCode::InvalidArgument, "Otsu thresholds: 2 or 3 classes are supported");
  }
  if (sample.count() < 2) throw Error(ErrorCode::EmptyInput, "Otsu thresholds: no intensities");
  const double lo = sample.min(), hi = sample.max();
  if (!(hi > lo)) throw Error(ErrorCode::EmptyInput, "Otsu thresholds: constant intensities");
  const double width = (hi - lo) / bins;
  std::vector<double> hist(static_cast<std::size_t>(bins), 0.0);
  for (float v : sample.sorted()) {
    const int b = std::min(bins - 1, static_cast<int>((v - lo) / width));
    hist[static_cast<std::size_t>(b)] += 1.0;
  }
  // Prefix sums of counts and first moments make each class's weight and mean O(1).
  std::vector<double> w(static_cast<std::size_t>(bins) + 1, 0.0), m(w.size(), 0.0);
  for (int i = 0; i < bins; ++i) {
    w[i + 1] = w[i] + hist[i];
    m[i + 1] = m[i] + hist[i] * (lo + (i + 0.5) * width);
  }
  auto classTerm = [&](int a, int b) {  // bins [a, b)
    const double n = w[b] - w[a];
    if (n <= 0) return 0.0;
    const double s = m[b] - m[a];
    return s * s / n;
  };
  double best = -1.0;
  std::vector<double> out;
  if (classes == 2) {
    for (int t = 1; t < bins; ++t) {
      const double v = classTerm(0, t) + classTerm(t, bins);
      if (v > best) best = v, out = {lo + t * width};
    }
  } else {
    for (int t1 = 1; t1 < bins - 1; ++t1) {
      for (int t2 = t1 + 1; t2 < bins; ++t2) {
        const double v = classTerm(0, t1) + classTerm(t1, t2) + classTerm(t2, bins);
        if (v > best) best = v, out = {lo + t1 * width, lo + t2 * width};
      }
    }
  }
  return out;
}

}  // namespace medsight

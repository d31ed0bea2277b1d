#include "radiomics/NeighbourhoodGreyToneFeatures.h"

#include <cmath>
#include <vector>

#include "radiomics/TextureAggregation.h"

namespace medsight {
namespace {

using Features = std::array<double, 5>;

/// s_i (sum of |i - neighbourhood mean|) and n_i (voxel count) per grey level.
struct ToneMatrix {
  std::vector<double> s, n;
  void merge(const ToneMatrix& o) {
    if (s.empty()) {
      *this = o;
      return;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
      s[i] += o.s[i];
      n[i] += o.n[i];
    }
  }
  bool empty() const {
    for (double v : n) {
      if (v > 0) return false;
    }
    return true;
  }
};

ToneMatrix toneMatrix(const DiscretisedRoi& roi, long slice) {
  const int ng = roi.levelCount;
  ToneMatrix m{std::vector<double>(ng + 1, 0.0), std::vector<double>(ng + 1, 0.0)};
  const bool planar = slice >= 0;
  const auto& neighbours =
      planar ? TextureAggregation::neighbours2D() : TextureAggregation::neighbours3D();
  const auto nx = long(roi.size[0]), ny = long(roi.size[1]), nz = long(roi.size[2]);
  const long z0 = planar ? slice : 0, z1 = planar ? slice + 1 : nz;
  for (long z = z0; z < z1; ++z) {
    for (long y = 0; y < ny; ++y) {
      for (long x = 0; x < nx; ++x) {
        const int g = roi.level[roi.index(x, y, z)];
        if (g <= 0) continue;
        double sum = 0;
        int count = 0;
        for (const auto& o : neighbours) {
          const long qx = x + o.dx, qy = y + o.dy, qz = z + o.dz;
          if (qx < 0 || qy < 0 || qz < 0 || qx >= nx || qy >= ny || qz >= nz) continue;
          const int q = roi.level[roi.index(qx, qy, qz)];
          if (q <= 0) continue;
          sum += q;
          ++count;
        }
        if (count == 0) continue;
        m.s[g] += std::abs(g - sum / count);
        m.n[g] += 1;
      }
    }
  }
  return m;
}

Features features(const ToneMatrix& m) {
  Features f;
  f.fill(NAN);
  double nvc = 0;
  for (double v : m.n) nvc += v;
  if (nvc <= 0) return f;
  const int ng = int(m.n.size()) - 1;
  std::vector<int> present;
  std::vector<double> p(ng + 1, 0.0);
  double sumS = 0, sumPS = 0;
  for (int i = 1; i <= ng; ++i) {
    p[i] = m.n[i] / nvc;
    if (p[i] > 0) present.push_back(i);
    sumS += m.s[i];
    sumPS += p[i] * m.s[i];
  }
  const double ngp = double(present.size());
  double contrastSum = 0, busyDenominator = 0, complexity = 0, strengthSum = 0;
  for (int i : present) {
    for (int j : present) {
      const double d = i - j;
      contrastSum += p[i] * p[j] * d * d;
      busyDenominator += std::abs(i * p[i] - j * p[j]);
      complexity += std::abs(d) * (p[i] * m.s[i] + p[j] * m.s[j]) / (p[i] + p[j]);
      strengthSum += (p[i] + p[j]) * d * d;
    }
  }
  // Conventions of IBSI 3.10 for degenerate matrices: coarseness 10^6 when sum p_i s_i = 0,
  // busyness and strength 0 when their denominators vanish.
  f[0] = sumPS > 0 ? 1.0 / sumPS : 1e6;
  f[1] = ngp > 1 ? contrastSum / (ngp * (ngp - 1)) * sumS / nvc : 0.0;
  f[2] = busyDenominator > 0 ? sumPS / busyDenominator : 0.0;
  f[3] = complexity / nvc;
  f[4] = sumS > 0 ? strengthSum / sumS : 0.0;
  return f;
}

}  // namespace

void NeighbourhoodGreyToneFeatures::compute(const DiscretisedRoi& roi,
                                            const RadiomicsSettings& settings,
                                            RadiomicFeatureSet& out) {
  using TA = TextureAggregation;
  static const std::array<TA::FeatureName, 5> names{{{"Coarseness", "QCDE"},
                                                     {"Contrast", "65HE"},
                                                     {"Busyness", "NQ30"},
                                                     {"Complexity", "HDEZ"},
                                                     {"Strength", "1X9X"}}};
  const char* family = "ngtdm";
  if (settings.compute2D || settings.compute25D) {
    std::vector<Features> perSlice;
    ToneMatrix merged;
    for (long z = 0; z < long(roi.size[2]); ++z) {
      const ToneMatrix m = toneMatrix(roi, z);
      if (m.empty()) continue;
      perSlice.push_back(features(m));
      merged.merge(m);
    }
    if (settings.compute2D) TA::emit(family, names, TA::mean(perSlice), TA::PerSlice2D, out);
    if (settings.compute25D) TA::emit(family, names, features(merged), TA::SliceMerged25D, out);
  }
  if (settings.compute3D) TA::emit(family, names, features(toneMatrix(roi, -1)), TA::Volume3D, out);
}

}  // namespace medsight

#include "radiomics/CooccurrenceMatrixFeatures.h"

#include <algorithm>
#include <cmath>

#include "radiomics/TextureAggregation.h"

namespace medsight {
namespace {

using Features = std::array<double, CooccurrenceMatrixFeatures::kCount>;
using Names = std::array<TextureAggregation::FeatureName, CooccurrenceMatrixFeatures::kCount>;

const Names kNames{{{"Joint maximum", "GYBY"},
                    {"Joint average", "60VM"},
                    {"Joint variance", "UR99"},
                    {"Joint entropy", "TU9B"},
                    {"Difference average", "TF7R"},
                    {"Difference variance", "D3YU"},
                    {"Difference entropy", "NTRS"},
                    {"Sum average", "ZGXS"},
                    {"Sum variance", "OEEB"},
                    {"Sum entropy", "P6QZ"},
                    {"Angular second moment", "8ZQL"},
                    {"Contrast", "ACUI"},
                    {"Dissimilarity", "8S9J"},
                    {"Inverse difference", "IB1Z"},
                    {"Normalised inverse difference", "NDRX"},
                    {"Inverse difference moment", "WF0Z"},
                    {"Normalised inverse difference moment", "1QCO"},
                    {"Inverse variance", "E8JP"},
                    {"Correlation", "NI2N"},
                    {"Autocorrelation", "QWB0"},
                    {"Cluster tendency", "DG8W"},
                    {"Cluster shade", "7NFM"},
                    {"Cluster prominence", "AE86"},
                    {"Information correlation 1", "R8DG"},
                    {"Information correlation 2", "JN9H"}}};

/// Symmetric co-occurrence counts of one direction; `slice` >= 0 restricts to that z slice.
std::vector<double> countMatrix(const DiscretisedRoi& roi, const VoxelOffset& d, long slice) {
  const int ng = roi.levelCount;
  std::vector<double> m(std::size_t(ng) * std::size_t(ng), 0.0);
  const auto nx = long(roi.size[0]), ny = long(roi.size[1]), nz = long(roi.size[2]);
  const long z0 = slice >= 0 ? slice : 0, z1 = slice >= 0 ? slice + 1 : nz;
  for (long z = z0; z < z1; ++z) {
    const long qz = z + d.dz;
    if (qz < 0 || qz >= nz) continue;
    for (long y = 0; y < ny; ++y) {
      const long qy = y + d.dy;
      if (qy < 0 || qy >= ny) continue;
      for (long x = 0; x < nx; ++x) {
        const long qx = x + d.dx;
        if (qx < 0 || qx >= nx) continue;
        const int a = roi.level[roi.index(x, y, z)];
        if (a <= 0) continue;
        const int b = roi.level[roi.index(qx, qy, qz)];
        if (b <= 0) continue;
        m[std::size_t(a - 1) * ng + std::size_t(b - 1)] += 1;
        m[std::size_t(b - 1) * ng + std::size_t(a - 1)] += 1;
      }
    }
  }
  return m;
}

bool isEmpty(const std::vector<double>& m) {
  return std::all_of(m.begin(), m.end(), [](double v) { return v == 0; });
}

void add(std::vector<double>& into, const std::vector<double>& m) {
  if (into.empty()) into.assign(m.size(), 0.0);
  for (std::size_t i = 0; i < m.size(); ++i) into[i] += m[i];
}

}  // namespace

Features CooccurrenceMatrixFeatures::features(const std::vector<double>& counts, int ng) {
  Features f;
  f.fill(NAN);
  double total = 0;
  for (double v : counts) total += v;
  if (total <= 0) return f;
  struct Cell {
    int i, j;
    double p;
  };
  std::vector<Cell> cells;
  std::vector<double> pi(ng + 1, 0.0), pj(ng + 1, 0.0), pDiff(ng, 0.0), pSum(2 * ng + 1, 0.0);
  for (int i = 1; i <= ng; ++i) {
    for (int j = 1; j <= ng; ++j) {
      const double v = counts[std::size_t(i - 1) * ng + std::size_t(j - 1)];
      if (v == 0) continue;
      const double p = v / total;
      cells.push_back({i, j, p});
      pi[i] += p;
      pj[j] += p;
      pDiff[std::abs(i - j)] += p;
      pSum[i + j] += p;
    }
  }
  double jointMax = 0, mu = 0, entropy = 0, asm2 = 0, contrast = 0, dissimilarity = 0;
  double id = 0, nid = 0, idm = 0, nidm = 0, invVar = 0, autocorr = 0;
  for (const auto& c : cells) {
    const double d = std::abs(c.i - c.j);
    jointMax = std::max(jointMax, c.p);
    mu += c.i * c.p;
    entropy -= c.p * std::log2(c.p);
    asm2 += c.p * c.p;
    contrast += d * d * c.p;
    dissimilarity += d * c.p;
    id += c.p / (1 + d);
    nid += c.p / (1 + d / ng);
    idm += c.p / (1 + d * d);
    nidm += c.p / (1 + d * d / (double(ng) * ng));
    if (d > 0) invVar += c.p / (d * d);
    autocorr += double(c.i) * c.j * c.p;
  }
  double muI = 0, muJ = 0, varI = 0, varJ = 0, hx = 0, hy = 0;
  for (int k = 1; k <= ng; ++k) {
    muI += k * pi[k];
    muJ += k * pj[k];
  }
  for (int k = 1; k <= ng; ++k) {
    varI += (k - muI) * (k - muI) * pi[k];
    varJ += (k - muJ) * (k - muJ) * pj[k];
    if (pi[k] > 0) hx -= pi[k] * std::log2(pi[k]);
    if (pj[k] > 0) hy -= pj[k] * std::log2(pj[k]);
  }
  double jointVar = 0, cov = 0, tendency = 0, shade = 0, prominence = 0, hxy1 = 0;
  for (const auto& c : cells) {
    jointVar += (c.i - mu) * (c.i - mu) * c.p;
    cov += (c.i - muI) * (c.j - muJ) * c.p;
    const double t = c.i + c.j - muI - muJ;
    tendency += t * t * c.p;
    shade += t * t * t * c.p;
    prominence += t * t * t * t * c.p;
    hxy1 -= c.p * std::log2(pi[c.i] * pj[c.j]);
  }
  double hxy2 = 0;
  for (int i = 1; i <= ng; ++i) {
    if (pi[i] <= 0) continue;
    for (int j = 1; j <= ng; ++j) {
      if (pj[j] <= 0) continue;
      const double q = pi[i] * pj[j];
      hxy2 -= q * std::log2(q);
    }
  }
  double diffMean = 0, diffVar = 0, diffEntropy = 0;
  for (int k = 0; k < ng; ++k) diffMean += k * pDiff[k];
  for (int k = 0; k < ng; ++k) {
    diffVar += (k - diffMean) * (k - diffMean) * pDiff[k];
    if (pDiff[k] > 0) diffEntropy -= pDiff[k] * std::log2(pDiff[k]);
  }
  double sumMean = 0, sumVar = 0, sumEntropy = 0;
  for (int k = 2; k <= 2 * ng; ++k) sumMean += k * pSum[k];
  for (int k = 2; k <= 2 * ng; ++k) {
    sumVar += (k - sumMean) * (k - sumMean) * pSum[k];
    if (pSum[k] > 0) sumEntropy -= pSum[k] * std::log2(pSum[k]);
  }
  const double sd = std::sqrt(varI * varJ);
  const double hMax = std::max(hx, hy);
  f = {jointMax,
       mu,
       jointVar,
       entropy,
       diffMean,
       diffVar,
       diffEntropy,
       sumMean,
       sumVar,
       sumEntropy,
       asm2,
       contrast,
       dissimilarity,
       id,
       nid,
       idm,
       nidm,
       invVar,
       sd > 0 ? cov / sd : NAN,
       autocorr,
       tendency,
       shade,
       prominence,
       hMax > 0 ? (entropy - hxy1) / hMax : NAN,
       std::sqrt(std::max(0.0, 1.0 - std::exp(-2.0 * (hxy2 - entropy))))};
  return f;
}

void CooccurrenceMatrixFeatures::compute(const DiscretisedRoi& roi,
                                         const RadiomicsSettings& settings,
                                         RadiomicFeatureSet& out) {
  using TA = TextureAggregation;
  const int ng = roi.levelCount;
  const char* family = "glcm";
  if (settings.compute2D || settings.compute25D) {
    const auto& dirs = TA::directions2D();
    std::vector<Features> perSliceDirection, perSlice;
    std::vector<std::vector<double>> perDirection(dirs.size());
    std::vector<double> all;
    for (long z = 0; z < long(roi.size[2]); ++z) {
      std::vector<double> slice;
      for (std::size_t d = 0; d < dirs.size(); ++d) {
        const auto m = countMatrix(roi, dirs[d], z);
        if (isEmpty(m)) continue;
        perSliceDirection.push_back(features(m, ng));
        add(slice, m);
        add(perDirection[d], m);
        add(all, m);
      }
      if (!slice.empty()) perSlice.push_back(features(slice, ng));
    }
    if (settings.compute2D) {
      TA::emit(family, kNames, TA::mean(perSliceDirection), TA::Averaged2D, out);
      TA::emit(family, kNames, TA::mean(perSlice), TA::SliceMerged2D, out);
    }
    if (settings.compute25D) {
      std::vector<Features> directionMerged;
      for (const auto& m : perDirection) {
        if (!m.empty()) directionMerged.push_back(features(m, ng));
      }
      TA::emit(family, kNames, TA::mean(directionMerged), TA::DirectionMerged25D, out);
      TA::emit(family, kNames, all.empty() ? TA::mean<kCount>({}) : features(all, ng),
               TA::Merged25D, out);
    }
  }
  if (settings.compute3D) {
    std::vector<Features> perDirection;
    std::vector<double> all;
    for (const auto& d : TA::directions3D()) {
      const auto m = countMatrix(roi, d, -1);
      if (isEmpty(m)) continue;
      perDirection.push_back(features(m, ng));
      add(all, m);
    }
    TA::emit(family, kNames, TA::mean(perDirection), TA::Averaged3D, out);
    TA::emit(family, kNames, all.empty() ? TA::mean<kCount>({}) : features(all, ng), TA::Merged3D,
             out);
  }
}

}  // namespace medsight

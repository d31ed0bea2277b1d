#include "radiomics/LevelPairMatrix.h"

#include <cmath>
#include <map>

namespace medsight {

void LevelPairMatrix::merge(const LevelPairMatrix& other) {
  for (const auto& [k, v] : other.cells_) cells_[k] += v;
  voxels_ += other.voxels_;
}

std::array<double, LevelPairMatrix::StatisticCount> LevelPairMatrix::statistics() const {
  std::array<double, StatisticCount> s;
  s.fill(NAN);
  if (cells_.empty()) return s;
  double total = 0;
  std::map<int, double> rowSum, colSum;
  for (const auto& [k, v] : cells_) {
    const int i = int(k >> 32), j = int(k & 0xffffffffu);
    total += v;
    rowSum[i] += v;
    colSum[j] += v;
  }
  double se = 0, le = 0, lge = 0, hge = 0, slge = 0, shge = 0, llge = 0, lhge = 0;
  double meanI = 0, meanJ = 0, entropy = 0, energy = 0;
  for (const auto& [k, v] : cells_) {
    const double i = double(k >> 32), j = double(k & 0xffffffffu);
    const double i2 = i * i, j2 = j * j, p = v / total;
    slge += v / (i2 * j2);
    shge += v * i2 / j2;
    llge += v * j2 / i2;
    lhge += v * i2 * j2;
    meanI += i * p;
    meanJ += j * p;
    entropy -= p * std::log2(p);
    energy += p * p;
  }
  double gnu = 0, snu = 0, varI = 0, varJ = 0;
  for (const auto& [i, v] : rowSum) {
    lge += v / (double(i) * i);
    hge += v * double(i) * i;
    gnu += v * v;
    varI += (i - meanI) * (i - meanI) * v / total;
  }
  for (const auto& [j, v] : colSum) {
    se += v / (double(j) * j);
    le += v * double(j) * j;
    snu += v * v;
    varJ += (j - meanJ) * (j - meanJ) * v / total;
  }
  s[SmallEmphasis] = se / total;
  s[LargeEmphasis] = le / total;
  s[LowGreyEmphasis] = lge / total;
  s[HighGreyEmphasis] = hge / total;
  s[SmallLowGreyEmphasis] = slge / total;
  s[SmallHighGreyEmphasis] = shge / total;
  s[LargeLowGreyEmphasis] = llge / total;
  s[LargeHighGreyEmphasis] = lhge / total;
  s[GreyNonUniformity] = gnu / total;
  s[GreyNonUniformityNorm] = gnu / (total * total);
  s[SecondNonUniformity] = snu / total;
  s[SecondNonUniformityNorm] = snu / (total * total);
  s[Percentage] = voxels_ > 0 ? total / voxels_ : NAN;
  s[GreyVariance] = varI;
  s[SecondVariance] = varJ;
  s[Entropy] = entropy;
  s[Energy] = energy;
  return s;
}

}  // namespace medsight

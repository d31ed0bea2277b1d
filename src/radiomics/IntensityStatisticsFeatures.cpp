#include "radiomics/IntensityStatisticsFeatures.h"

#include <algorithm>
#include <cmath>

namespace medsight {

double IntensityStatisticsFeatures::percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NAN;
  const double h = (double(sorted.size()) - 1.0) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

std::vector<double> IntensityStatisticsFeatures::describe(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const double n = double(v.size());
  double mean = 0;
  for (double x : v) mean += x;
  mean /= n;
  double m2 = 0, m3 = 0, m4 = 0, energy = 0, mad = 0;
  for (double x : v) {
    const double d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    energy += x * x;
    mad += std::abs(d);
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const double sd = std::sqrt(m2);
  const double median = percentile(v, 50);
  const double p10 = percentile(v, 10), p90 = percentile(v, 90);
  const double p25 = percentile(v, 25), p75 = percentile(v, 75);
  // Robust mean absolute deviation: only values between the 10th and 90th percentile.
  double robustMean = 0, robustCount = 0;
  for (double x : v) {
    if (x >= p10 && x <= p90) {
      robustMean += x;
      robustCount += 1;
    }
  }
  robustMean /= robustCount;
  double robustMad = 0, medianAd = 0;
  for (double x : v) {
    if (x >= p10 && x <= p90) robustMad += std::abs(x - robustMean);
    medianAd += std::abs(x - median);
  }
  robustMad /= robustCount;
  medianAd /= n;
  // Mode: the most frequent value; ties go to the value closest to the mean (IBSI 3.4.10).
  double mode = v.front(), bestCount = 0;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j < v.size() && v[j] == v[i]) ++j;
    const double count = double(j - i);
    if (count > bestCount ||
        (count == bestCount && std::abs(v[i] - mean) < std::abs(mode - mean))) {
      bestCount = count;
      mode = v[i];
    }
    i = j;
  }
  return {mean,
          m2,
          sd > 0 ? m3 / (sd * sd * sd) : 0.0,
          sd > 0 ? m4 / (m2 * m2) - 3.0 : 0.0,
          median,
          v.front(),
          p10,
          p90,
          v.back(),
          p75 - p25,
          v.back() - v.front(),
          mad / n,
          robustMad,
          medianAd,
          mean != 0 ? sd / mean : NAN,
          (p75 + p25) != 0 ? (p75 - p25) / (p75 + p25) : NAN,
          energy,
          std::sqrt(energy / n),
          mode};
}

void IntensityStatisticsFeatures::compute(const RoiVolume& roi, RadiomicFeatureSet& out) {
  std::vector<double> values;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    if (roi.intensityMask[i]) values.push_back(roi.intensity[i]);
  }
  const std::vector<double> s = describe(std::move(values));
  struct Row {
    const char* name;
    const char* code;
    std::size_t index;
  };
  static const Row rows[] = {{"mean", "Q4LE", 0},
                             {"variance", "ECT3", 1},
                             {"skewness", "KE2A", 2},
                             {"(excess) kurtosis", "IPH6", 3},
                             {"median", "Y12H", 4},
                             {"minimum", "1GSF", 5},
                             {"10th percentile", "QG58", 6},
                             {"90th percentile", "8DWT", 7},
                             {"maximum", "84IY", 8},
                             {"interquartile range", "SALO", 9},
                             {"range", "2OJQ", 10},
                             {"mean absolute deviation", "4FUA", 11},
                             {"robust mean absolute deviation", "1128", 12},
                             {"median absolute deviation", "N72L", 13},
                             {"coefficient of variation", "7TET", 14},
                             {"quartile coefficient of dispersion", "9S40", 15},
                             {"energy", "N8CA", 16},
                             {"root mean square", "5ZWQ", 17}};
  for (const auto& r : rows) {
    out.add({"intensity_statistics", r.name, r.code, "3D", "DHQ4", s[r.index]});
  }
}

}  // namespace medsight

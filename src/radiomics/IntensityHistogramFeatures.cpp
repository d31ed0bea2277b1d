#include "radiomics/IntensityHistogramFeatures.h"

#include <algorithm>
#include <cmath>

#include "radiomics/IntensityStatisticsFeatures.h"

namespace medsight {

void IntensityHistogramFeatures::compute(const DiscretisedRoi& roi, RadiomicFeatureSet& out) {
  std::vector<double> values;
  std::vector<double> histogram(static_cast<std::size_t>(roi.levelCount) + 1, 0.0);
  for (int level : roi.level) {
    if (level <= 0) continue;
    values.push_back(level);
    histogram[static_cast<std::size_t>(level)] += 1;
  }
  const double n = double(values.size());
  const std::vector<double> s = IntensityStatisticsFeatures::describe(values);
  double entropy = 0, uniformity = 0;
  for (int g = 1; g <= roi.levelCount; ++g) {
    const double p = histogram[g] / n;
    if (p > 0) entropy -= p * std::log2(p);
    uniformity += p * p;
  }
  // Histogram gradient by central differences, one-sided at the ends (IBSI 3.4.20).
  double maxGrad = -INFINITY, minGrad = INFINITY, maxGradLevel = 1, minGradLevel = 1;
  const int ng = roi.levelCount;
  for (int g = 1; g <= ng; ++g) {
    double grad = 0;
    if (ng > 1) {
      if (g == 1) {
        grad = histogram[2] - histogram[1];
      } else if (g == ng) {
        grad = histogram[ng] - histogram[ng - 1];
      } else {
        grad = 0.5 * (histogram[g + 1] - histogram[g - 1]);
      }
    }
    if (grad > maxGrad) {
      maxGrad = grad;
      maxGradLevel = g;
    }
    if (grad < minGrad) {
      minGrad = grad;
      minGradLevel = g;
    }
  }
  struct Row {
    const char* name;
    const char* code;
    double value;
  };
  const Row rows[] = {{"mean", "X6K6", s[0]},
                      {"variance", "CH89", s[1]},
                      {"skewness", "88K1", s[2]},
                      {"(excess) kurtosis", "C3I7", s[3]},
                      {"median", "WIFQ", s[4]},
                      {"minimum", "1PR8", s[5]},
                      {"10th percentile", "GPMT", s[6]},
                      {"90th percentile", "OZ0C", s[7]},
                      {"maximum", "3NCY", s[8]},
                      {"mode", "AMMC", s[18]},
                      {"interquartile range", "WR0O", s[9]},
                      {"range", "5Z3W", s[10]},
                      {"mean absolute deviation", "D2ZX", s[11]},
                      {"robust mean absolute deviation", "WRZB", s[12]},
                      {"median absolute deviation", "4RNL", s[13]},
                      {"coefficient of variation", "CWYJ", s[14]},
                      {"quartile coefficient of dispersion", "SLWD", s[15]},
                      {"entropy", "TLU2", entropy},
                      {"uniformity", "BJ5W", uniformity},
                      {"maximum histogram gradient", "12CE", maxGrad},
                      {"maximum histogram gradient intensity", "8E6O", maxGradLevel},
                      {"minimum histogram gradient", "VQB3", minGrad},
                      {"minimum histogram gradient intensity", "RHQZ", minGradLevel}};
  for (const auto& r : rows) {
    out.add({"intensity_histogram", r.name, r.code, "3D", "DHQ4", r.value});
  }
}

}  // namespace medsight

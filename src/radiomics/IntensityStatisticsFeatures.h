#pragma once

#include <vector>

#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief IBSI 3.3 intensity-based statistical features (18 features: mean, variance, skewness,
/// kurtosis, median, minimum, 10th/90th percentiles, maximum, interquartile range, range, mean
/// / robust mean / median absolute deviation, coefficient of variation, quartile coefficient
/// of dispersion, energy, root mean square) over the intensity mask.
class IntensityStatisticsFeatures {
 public:
  /// \brief Appends the features computed on the intensity-mask voxels of `roi`.
  static void compute(const RoiVolume& roi, RadiomicFeatureSet& out);
  /// \brief Percentile q (0..100) of sorted values with linear interpolation between order
  /// statistics (Hyndman-Fan type 7, the definition used by the IBSI reference values).
  static double percentile(const std::vector<double>& sorted, double q);
  /// \brief The 18 statistics of a sample, in the order of IBSI 3.3, plus the mode (used by the
  /// intensity histogram, IBSI 3.4). `values` need not be sorted.
  static std::vector<double> describe(std::vector<double> values);
};

}  // namespace medsight

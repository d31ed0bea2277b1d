#pragma once

#include <vector>

#include "preprocess/IntensityStatistics.h"

namespace medsight {

/// \brief Otsu's thresholds (Otsu, IEEE SMC 1979): the 1 or 2 cut points that maximise the
/// between-class variance of an intensity histogram. Works on any sample (e.g. only voxels
/// inside a body mask), which ITK's image filters cannot restrict to.
class OtsuThresholds {
 public:
  /// \brief `classes - 1` thresholds (classes = 2 or 3), ascending, from a `bins`-bin histogram
  /// over the sample's range. Throws EmptyInput for an empty or constant sample.
  static std::vector<double> compute(const IntensityStatistics& sample, int classes = 2,
                                     int bins = 128);
};

}  // namespace medsight

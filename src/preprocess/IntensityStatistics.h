#pragma once

#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief Intensity sample of an image (all voxels, or those inside a mask) with the summary
/// statistics normalisation and dataset fingerprints need: mean, standard deviation, and
/// percentiles by linear interpolation between order statistics (numpy's default rule).
class IntensityStatistics {
 public:
  /// \brief Collects every voxel, or only voxels where `mask` is non-zero (same grid required;
  /// GeometryMismatch otherwise). `maxSamples` > 0 keeps an evenly strided subsample.
  static IntensityStatistics collect(const Image& image, const Image* mask = nullptr,
                                     std::size_t maxSamples = 0);
  /// \brief Statistics of explicit values.
  explicit IntensityStatistics(std::vector<float> values);

  /// \brief Number of values.
  std::size_t count() const { return values_.size(); }
  double mean() const { return mean_; }
  /// \brief Population standard deviation.
  double standardDeviation() const { return std_; }
  double min() const;
  double max() const;
  /// \brief Percentile p in [0, 100]; throws EmptyInput when there are no values.
  double percentile(double p) const;
  /// \brief The sorted values.
  const std::vector<float>& sorted() const { return values_; }

 private:
  std::vector<float> values_;
  double mean_ = 0.0;
  double std_ = 0.0;
};

}  // namespace medsight

#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief The intensity range a segmentation model was trained on (spread of the 1st and 99th
/// voxel percentiles over its training images), used to refuse inputs from another modality when
/// the file cannot say which modality it holds (NIfTI has no modality field): a CT in
/// Hounsfield units (1st percentile near -1000) or a PET in SUV (99th percentile of a few units)
/// must not be segmented by an MR model as if it were MR.
class IntensitySignature {
 public:
  /// \brief Learns the range from training images (grey-level, any pixel type).
  static IntensitySignature learn(const std::vector<const Image*>& images);
  /// \brief Parses the manifest form; an absent or null value gives an empty signature.
  static IntensitySignature fromJson(const nlohmann::json& j);
  /// \brief Manifest form: {"p01": [min, max], "p99": [min, max]} (null when empty).
  nlohmann::json toJson() const;
  /// \brief True when nothing was learned (older packages): every input is accepted.
  bool empty() const { return !learned_; }
  /// \brief Why `image` falls outside the trained range, or nullopt when it is inside. The
  /// tolerance is wide (a quarter of the training intensity span for the 1st percentile, a
  /// factor 4 for a positive 99th percentile) so scanner-to-scanner scaling of the same
  /// modality passes; only a different physical unit fails.
  std::optional<std::string> check(const Image& image) const;

 private:
  /// \brief 1st and 99th percentile of an image's voxels (subsampled to 200,000 values).
  static std::pair<double, double> percentiles(const Image& image);
  bool learned_ = false;
  double p01Min_ = 0, p01Max_ = 0, p99Min_ = 0, p99Max_ = 0;
};

}  // namespace medsight

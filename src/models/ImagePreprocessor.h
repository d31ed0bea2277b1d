#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "core/Image.h"
#include "models/PreprocessingSpec.h"

namespace medsight {

/// \brief Turns Images into network input tensors following a PreprocessingSpec: 2D check,
/// MONOCHROME1 inversion, colour/grey conversion, intensity mapping to [0, 1], resize.
/// Normalisation ((x - mean) / std) is a separate step so augmentation can run in between.
class ImagePreprocessor {
 public:
  explicit ImagePreprocessor(PreprocessingSpec spec) : spec_(std::move(spec)) {}

  /// \brief One image -> float tensor [C, H, W] in [0, 1]. Throws WrongModality for 3D volumes
  /// and time series (2D models) naming the size.
  at::Tensor toUnitTensor(const Image& image) const;
  /// \brief Many images -> [N, C, H, W] in [0, 1], converted in parallel.
  at::Tensor toUnitBatch(const std::vector<Image>& images, int threads = 0) const;
  /// \brief (x - mean) / std.
  at::Tensor normalize(const at::Tensor& unit) const;
  /// \brief The spec.
  const PreprocessingSpec& spec() const { return spec_; }

 private:
  PreprocessingSpec spec_;
};

}  // namespace medsight

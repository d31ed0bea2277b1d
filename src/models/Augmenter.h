#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "models/PreprocessingSpec.h"

namespace medsight {

/// \brief Random affine and intensity augmentation of a batch [N, C, H, W] in [0, 1], done with
/// affine_grid/grid_sample so a whole batch is transformed at once. Deterministic for a seed.
class Augmenter {
 public:
  explicit Augmenter(AugmentationSpec spec) : spec_(std::move(spec)) {}
  /// \brief Augmented copy of `batch`; randomness from `seed`.
  at::Tensor apply(const at::Tensor& batch, std::uint64_t seed) const;
  /// \brief Test-time augmentation views: identity plus small shifts (and flips if allowed).
  static at::Tensor testTimeView(const at::Tensor& batch, int view, bool allowFlip);
  /// \brief Number of views testTimeView offers.
  static int testTimeViewCount(bool allowFlip) { return allowFlip ? 6 : 5; }

 private:
  AugmentationSpec spec_;
};

}  // namespace medsight

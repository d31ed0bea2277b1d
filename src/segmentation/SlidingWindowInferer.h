#pragma once

// LibTorch: include only from segmentation .cpp files that already use LibTorch.
#include <torch/torch.h>

#include <functional>

#include "core/Image.h"
#include "segmentation/SlidingWindowSettings.h"

namespace medsight {

/// \brief Applies a patch network to a whole volume: overlapping tiles (padded where the volume
/// is smaller than a patch), optional mirroring, Gaussian-weighted blending (Isensee et al.,
/// nnU-Net, Nature Methods 2021). In 2D mode every slice is tiled with its context slices.
class SlidingWindowInferer {
 public:
  /// \brief Maps an input batch [N, C, (D,) H, W] to foreground probabilities [N, (D,) H, W].
  using ProbabilityFunction = std::function<torch::Tensor(const torch::Tensor&)>;

  explicit SlidingWindowInferer(SlidingWindowSettings settings);
  /// \brief Foreground probability for every voxel of `image` (Float32, same grid).
  Image run(const Image& image, const ProbabilityFunction& probability) const;
  /// \brief The same for a stack of co-registered Float32 images on one grid (main image first,
  /// then the auxiliary channels); the stack must hold `settings.imageChannels` images.
  Image run(const std::vector<const Image*>& stack, const ProbabilityFunction& probability) const;
  /// \brief Tile start positions covering `extent` with tiles of `tile` and the overlap.
  static std::vector<long> tileStarts(long extent, long tile, double overlap);

 private:
  SlidingWindowSettings settings_;
};

}  // namespace medsight

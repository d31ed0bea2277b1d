#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "core/Image.h"
#include "segmentation/SlidingWindowSettings.h"

namespace medsight {

/// \brief Random training-time changes applied to a patch (never to validation data).
struct PatchAugmentation {
  bool flips = true;            ///< mirror x and y independently (tumours have no handedness)
  bool rotate90 = true;         ///< transpose x/y, which with flips gives every 90° rotation
  double intensityScale = 0.1;  ///< multiply by 1 ± this
  double intensityShift = 0.1;  ///< add ± this (units of the normalised image)
  double noiseStd = 0.05;       ///< Gaussian noise, applied to 15 % of patches
  /// Fraction of patches resampled with an in-plane rotation and isotropic in-plane scaling
  /// (nnU-Net's spatial augmentation; 0 = off, which leaves the sampler's random stream as
  /// before so older recipes reproduce).
  double spatialProbability = 0.0;
  double rotationDegrees = 0.0;  ///< rotation drawn uniformly in ± this, about the patch centre
  double scaleRange = 0.0;       ///< zoom drawn uniformly in [1 - this, 1 + this]
  /// \brief Fraction of patches whose auxiliary channels are all set to 0 ("modality dropout").
  /// For a percentile-scaled channel (PET) 0 is what it reads outside its field of view, so the
  /// network learns not to lean on it alone (a PET hot spot that is not tumour). For a windowed
  /// channel (CT) 0 is also a real value (the window's low end). 0 = off, and the random stream
  /// stays as before.
  double auxiliaryDropout = 0.0;
};

/// \brief One training example: channels-first input and the class index of each voxel.
struct TrainingPatch {
  std::vector<float> input;          ///< [channels][pz][py][px]
  std::vector<std::uint8_t> target;  ///< [pz][py][px]
};

/// \brief Draws training patches from preprocessed cases, over-sampling the structure: a
/// `foregroundFraction` of patches is centred (with jitter) on a random voxel of the mask, the
/// rest on a random voxel of the volume — the nnU-Net rule that keeps small tumours in view.
/// In 2D mode (patch z extent 1) the `contextSlices` slices on either side of the centre slice
/// become extra input channels ("2.5D"); in 3D mode the patch is a box. Regions outside the
/// volume read `padValue` in-plane and repeat the edge slice along z.
class TumourPatchSampler {
 public:
  /// \brief `images[i]` and `masks[i]` (UInt8) share a grid; all images are Float32.
  /// `auxiliary[i]`, when given, holds case i's further co-registered images on the same grid
  /// (the same number for every case), stacked after the main image as input channels.
  TumourPatchSampler(std::vector<const Image*> images, std::vector<const Image*> masks,
                     std::array<int, 3> patchSize, int contextSlices, double foregroundFraction,
                     PatchAugmentation augmentation, std::uint64_t seed,
                     bool positionChannels = false,
                     std::vector<std::vector<const Image*>> auxiliary = {});
  /// \brief Channels of each input patch (per stacked image 1 + 2 * contextSlices in 2D mode,
  /// 1 in 3D, plus 2 position channels when asked for).
  int channels() const {
    return SlidingWindowSettings::inputChannelsFor(patchSize_, contextSlices_, positionChannels_,
                                                   static_cast<int>(stacks_.front().size()));
  }
  /// \brief Draws one augmented patch.
  TrainingPatch draw();
  /// \brief The input channels around voxel (x, y, z) without augmentation (also used at
  /// inference): [channels][pz][py][px], origin at (x - px/2, y - py/2, z - pz/2).
  static std::vector<float> extract(const Image& image, std::array<int, 3> patchSize,
                                    int contextSlices, std::array<long, 3> centre, float padValue);
  /// \brief extract for a stack of co-registered images on one grid (main image first), each
  /// read with its own pad value; their channels follow one another.
  static std::vector<float> extract(const std::vector<const Image*>& stack,
                                    std::array<int, 3> patchSize, int contextSlices,
                                    std::array<long, 3> centre,
                                    const std::vector<float>& padValues);
  /// \brief Value used outside the volume: the image's minimum (air after normalisation).
  static float padValueOf(const Image& image);
  /// \brief Like extract, but each in-plane output position (u, v) relative to the patch
  /// centre reads the image at centre + R(angle) (u, v) / zoom: bilinear for the image (pad
  /// value outside), nearest neighbour for the mask. Fills `input` and `target` (2D mode:
  /// target is the centre slice).
  static void extractTransformed(const Image& image, const Image& mask,
                                 std::array<int, 3> patchSize, int contextSlices,
                                 std::array<long, 3> centre, float padValue, double angleRadians,
                                 double zoom, TrainingPatch& patch);
  /// \brief Appends the two position channels of a patch to `out`: the in-plane box distance
  /// max(|x'|, |y'|) and the slice distance |z'| from the volume centre, where x' = 2x/(nx-1) - 1
  /// (so 0 at the centre, 1 at the volume border, > 1 outside). Both are symmetric, so flips and
  /// transposition of the patch keep them consistent. `srcX`/`srcY` give the (possibly rotated
  /// and zoomed) in-plane source position of every patch voxel, as in extractTransformed.
  static void appendPosition(ImageSize volume, std::array<int, 3> patchSize,
                             std::array<long, 3> centre, const std::vector<double>& srcX,
                             const std::vector<double>& srcY, std::vector<float>& out);
  /// \brief appendPosition for an unrotated patch around `centre` (the inference case).
  static void appendPosition(ImageSize volume, std::array<int, 3> patchSize,
                             std::array<long, 3> centre, std::vector<float>& out);

 private:
  /// \brief extractTransformed with the in-plane source positions already computed (draw()
  /// reuses them for the position channels).
  static void extractAt(const std::vector<const Image*>& stack, const Image& mask,
                        std::array<int, 3> patchSize, int contextSlices, std::array<long, 3> centre,
                        const std::vector<float>& padValues, const std::vector<double>& srcX,
                        const std::vector<double>& srcY, TrainingPatch& patch);

  std::vector<std::vector<const Image*>> stacks_;  // per case: main image, then auxiliary
  std::vector<const Image*> masks_;
  std::vector<std::vector<std::size_t>> foreground_;  // voxel indices per case
  std::vector<std::vector<float>> padValues_;         // per case and stacked image
  std::array<int, 3> patchSize_;
  int contextSlices_;
  bool positionChannels_;
  double foregroundFraction_;
  PatchAugmentation augmentation_;
  std::mt19937_64 rng_;
};

}  // namespace medsight

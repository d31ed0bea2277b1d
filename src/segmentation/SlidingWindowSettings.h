#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace medsight {

/// \brief How a segmentation network is applied to a whole volume: patch size and context as
/// in training, tile overlap, mirroring at test time, and post-processing.
struct SlidingWindowSettings {
  /// \brief Patch extents x, y, z in voxels of the working grid (z = 1: 2D/2.5D network).
  std::array<int, 3> patchSize{64, 64, 1};
  /// \brief Slices on either side fed as extra channels (2D mode only).
  int contextSlices = 0;
  /// \brief Fraction by which neighbouring tiles overlap (0 .. 0.9); overlapping predictions are
  /// blended with a Gaussian importance map (nnU-Net) so tile borders leave no seams.
  double overlap = 0.5;
  /// \brief Average predictions over x/y mirrored copies of each tile.
  bool mirror = true;
  /// \brief Tiles per forward pass.
  int batchSize = 8;
  /// \brief Foreground probability threshold.
  double threshold = 0.5;
  /// \brief Keep only the largest connected component (one tumour per image).
  bool largestComponent = true;
  /// \brief Feed where each voxel lies in the volume as two extra channels (see
  /// TumourPatchSampler::appendPosition). For inputs cropped around the lesion, as in the IBSI
  /// sarcoma cohort, this lets the network learn that the tumour sits in the middle of the crop.
  bool positionChannels = false;
  /// \brief Co-registered images stacked as input: 1 = the main image alone, 2 = the main image
  /// and one auxiliary channel (e.g. PET beside MR; see AuxiliaryChannel), ...
  int imageChannels = 1;
  /// \brief Image axis a 2D/2.5D network reads as slices on the working grid: 2 = as stored
  /// (axial for an axial acquisition), 0 or 1 = across the other axes (sagittal, coronal); see
  /// SliceAxisView. Training and inference use the same axis.
  int sliceAxis = 2;

  /// \brief Why `sliceAxis` cannot be used with these settings, or nothing when it can: an
  /// axis other than 0, 1 and 2, or an axis other than the stored one for a 3D patch (a 3D
  /// network reads every axis). The one rule shared by recipes, packages and inference.
  std::optional<std::string> sliceAxisProblem() const {
    if (sliceAxis < 0 || sliceAxis > 2) {
      return "slice_axis " + std::to_string(sliceAxis) +
             " must be 0, 1 or 2 (the image axis read as slices)";
    }
    if (sliceAxis != 2 && patchSize[2] != 1) {
      return "slice_axis " + std::to_string(sliceAxis) +
             " needs a 2D/2.5D configuration (patch z extent 1); a 3D network reads every axis";
    }
    return std::nullopt;
  }

  /// \brief Network input channels these settings produce.
  int inputChannels() const {
    return inputChannelsFor(patchSize, contextSlices, positionChannels, imageChannels);
  }
  /// \brief Channels of an input patch: for each of the `images` stacked images the centre
  /// slice and `contextSlices` on either side in 2D mode (patch z extent 1; none in 3D), then 2
  /// position channels when asked for. The one rule shared by training (TumourPatchSampler) and
  /// inference.
  static int inputChannelsFor(std::array<int, 3> patchSize, int contextSlices,
                              bool positionChannels, int images = 1) {
    return images * (1 + 2 * (patchSize[2] == 1 ? contextSlices : 0)) + (positionChannels ? 2 : 0);
  }

  /// \brief Serialises for manifests (slice_axis only when not the stored axis, so packages
  /// that read stored slices are written as before).
  nlohmann::json toJson() const {
    nlohmann::json j = {{"patch_size", patchSize},
                        {"context_slices", contextSlices},
                        {"overlap", overlap},
                        {"mirror", mirror},
                        {"batch_size", batchSize},
                        {"threshold", threshold},
                        {"largest_component", largestComponent},
                        {"position_channels", positionChannels},
                        {"image_channels", imageChannels}};
    if (sliceAxis != 2) j["slice_axis"] = sliceAxis;
    return j;
  }
  /// \brief Parses (missing keys keep defaults).
  static SlidingWindowSettings fromJson(const nlohmann::json& j) {
    SlidingWindowSettings s;
    s.patchSize = j.value("patch_size", s.patchSize);
    s.contextSlices = j.value("context_slices", s.contextSlices);
    s.overlap = j.value("overlap", s.overlap);
    s.mirror = j.value("mirror", s.mirror);
    s.batchSize = j.value("batch_size", s.batchSize);
    s.threshold = j.value("threshold", s.threshold);
    s.largestComponent = j.value("largest_component", s.largestComponent);
    s.positionChannels = j.value("position_channels", s.positionChannels);
    s.imageChannels = j.value("image_channels", s.imageChannels);
    s.sliceAxis = j.value("slice_axis", s.sliceAxis);
    return s;
  }
};

}  // namespace medsight

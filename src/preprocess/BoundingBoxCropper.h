#pragma once

#include <array>
#include <optional>

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Index box [start, start + size) of a voxel grid.
struct VoxelBox {
  std::array<std::size_t, 3> start{0, 0, 0};
  std::array<std::size_t, 3> size{0, 0, 0};
};

/// \brief Crops image and mask to the bounding box of the mask ("mask"), of voxels above
/// Otsu's threshold ("foreground") or above a given `threshold` ("threshold"), grown by
/// `margin_mm` on every side and clipped to the image. The origin moves to the box's first
/// voxel, so every kept voxel keeps its physical position. Pipeline step "crop".
class BoundingBoxCropper : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  BoundingBoxCropper(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "crop"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;
  bool changesGrid() const override { return true; }

  /// \brief Box of the non-zero voxels of `mask`, or nullopt when it has none.
  static std::optional<VoxelBox> nonZeroBox(const Image& mask);
  /// \brief Grows `box` by `marginMm` per axis (rounded up to whole voxels), clipped to `image`.
  static VoxelBox grow(const VoxelBox& box, const Image& image, std::array<double, 3> marginMm);
  /// \brief The voxels of `box` as a new image; origin moved so positions are kept.
  static Image extract(const Image& image, const VoxelBox& box);
  /// \brief The inverse of extract: writes `part` (of box's size and `into`'s pixel type) into
  /// `into` at `box`, voxel for voxel.
  static void insert(Image& into, const Image& part, const VoxelBox& box);

 private:
  std::string source_ = "mask";
  std::array<double, 3> marginMm_{10, 10, 10};
  bool planar_ = false;  ///< given as (x, y), for 2D images only
  double threshold_ = 0.0;
};

}  // namespace medsight

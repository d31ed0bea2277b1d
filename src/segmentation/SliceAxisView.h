#pragma once

#include <array>

#include "core/Image.h"

namespace medsight {

/// \brief Reorders a volume's axes so that a chosen axis becomes the slice (z) axis, keeping
/// every voxel's physical position; lets a 2.5D network read the slices across another axis
/// (sagittal or coronal ones of an axial acquisition).
///
/// ITK's PermuteAxesImageFilter is not used because it permutes the origin's coordinates as if
/// they were per-axis values, which moves the volume in patient space; here the origin (the
/// centre of voxel 0, which stays voxel 0) is kept and the direction columns and spacings move
/// with their axes.
class SliceAxisView {
 public:
  /// \brief A view reading slices across image axis `sliceAxis` (0, 1 or 2; 2 = as stored).
  explicit SliceAxisView(int sliceAxis);

  /// \brief Axis order of the view: view axis i is image axis order()[i]; the other two axes
  /// keep their order, so axis 2 gives {0, 1, 2}, axis 0 gives {1, 2, 0}, axis 1 {0, 2, 1}.
  std::array<int, 3> order() const { return order_; }
  /// \brief True when the view is the image as stored (slice axis 2).
  bool identity() const { return order_[2] == 2; }

  /// \brief The volume with its axes reordered (a copy; the same physical voxels).
  Image toView(const Image& image) const;
  /// \brief The inverse of toView for an image on the view of `original`'s grid; the result
  /// carries `original`'s geometry exactly.
  Image fromView(const Image& view, const Image& original) const;

 private:
  static Image permuted(const Image& image, const std::array<int, 3>& order);

  std::array<int, 3> order_{0, 1, 2};
};

}  // namespace medsight

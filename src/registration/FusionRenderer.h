#pragma once

#include <optional>
#include <string>

#include "core/Image.h"
#include "io/DisplayRenderer.h"

namespace medsight {

/// \brief How an overlay (PET uptake, MR) is blended on a base image (CT).
struct FusionOptions {
  /// \brief Window of the grey base (default: the base's DICOM window or percentile range).
  std::optional<DisplayWindow> baseWindow;
  /// \brief "hot" (PET), "jet", "cool", "grey" (ITK colormap functions).
  std::string colormap = "hot";
  /// \brief Overlay values mapped to the colormap's ends; unset = the overlay's 50th and
  /// 99.5th percentiles inside the base's field of view. Voxels below `low` stay grey.
  std::optional<double> low;
  std::optional<double> high;
  /// \brief Overlay opacity in [0, 1].
  double opacity = 0.5;
};

/// \brief Fused display of two registered images: a windowed grey base with a colour-mapped,
/// semi-transparent overlay resampled onto the same grid (the PET/CT reading view).
class FusionRenderer {
 public:
  /// \brief RGB UInt8 volume on the base grid. `overlay` must share the base's grid
  /// (GeometryMismatch otherwise: resample it through the registration first).
  static Image render(const Image& base, const Image& overlay, const FusionOptions& options);
  /// \brief The overlay values mapped to the colormap's ends (options or percentiles).
  static std::pair<double, double> overlayRange(const Image& overlay, const FusionOptions& options);
  /// \brief One axial slice of a volume as a 2D image (keeps the slice's 3D placement).
  static Image slice(const Image& volume, std::size_t z);
  /// \brief The slice where the overlay is strongest above `low` (the lesion, for PET); of
  /// several equally strong slices, the middle one.
  static std::size_t mostInformativeSlice(const Image& overlay, double low);
};

}  // namespace medsight

#pragma once

#include "core/Image.h"

namespace medsight {

/// \brief Draws a heatmap over the image it explains for people: the image rendered with its
/// display window (DisplayRenderer), the heatmap coloured with a perceptual colour map and
/// blended with an opacity proportional to the evidence, so areas without evidence keep the
/// plain anatomy.
class HeatmapOverlay {
 public:
  /// \brief RGB uint8 2D image on the input's grid (same size and geometry). `heatmap` must be
  /// a [0, 1] float image on the same grid; throws GeometryMismatch otherwise.
  static Image render(const Image& image, const Image& heatmap, double opacity = 0.6);
  /// \brief The colour map alone as RGB uint8 (for colour bars): `width` x 1 pixels from 0 to 1.
  static Image colourBar(int width = 256);
};

}  // namespace medsight

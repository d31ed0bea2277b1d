#pragma once

#include <optional>
#include <string>

#include "core/Image.h"

namespace medsight {

/// \brief A VOI window (DICOM PS3.3 C.11.2.1.2): centre and width in modality units (HU for CT).
struct DisplayWindow {
  double center = 0.0;
  double width = 1.0;
  /// \brief "LINEAR" (default), "LINEAR_EXACT" or "SIGMOID" (VOI LUT Function, C.11.2.1.3).
  std::string function = "LINEAR";

  /// \brief Named presets radiologists use: "lung", "mediastinum", "bone", "brain",
  /// "abdomen", "liver". Throws InvalidArgument for other names.
  static DisplayWindow preset(const std::string& name);
  /// \brief Maps one modality value to [0, 1] following the standard's formulas.
  double apply(double value) const;
};

/// \brief Turns a slice or frame of any Image into an 8-bit picture for people: VOI window
/// (given, else the DICOM Window Center/Width, else the 0.5-99.5 percentile range) and
/// MONOCHROME1 inversion (PS3.3 C.7.6.3.1.2). Colour images are passed through (16-bit scaled).
class DisplayRenderer {
 public:
  /// \brief Renders slice `z` of frame `t` as a 2D uint8 image with the input's 2D geometry.
  static Image render(const Image& image, std::optional<DisplayWindow> window = std::nullopt,
                      std::size_t z = 0, std::size_t t = 0);
  /// \brief The window used when none is given (DICOM header or percentile range).
  static DisplayWindow defaultWindow(const Image& image);
};

}  // namespace medsight

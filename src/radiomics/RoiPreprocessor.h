#pragma once

#include <string>

#include "core/Image.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief Runs the IBSI image-processing chain on an image and its ROI mask: input checks,
/// cropping around the ROI, interpolation to a new grid with IBSI grid alignment (IBSI 2.4,
/// through ITK's resampler), intensity rounding, ROI partial-volume thresholding and
/// re-segmentation by range and outlier filtering (IBSI 2.5).
class RoiPreprocessor {
 public:
  /// \brief Builds the ROI volume. `imageName` and `maskName` name the inputs in errors.
  /// Throws GeometryMismatch (mask does not overlap or lies on another grid), EmptyInput (no ROI
  /// voxels, or none left after interpolation or re-segmentation), PixelTypeMismatch or
  /// WrongModality (not a scalar 2D/3D image) and CorruptData (non-finite ROI intensities).
  static RoiVolume prepare(const Image& image, const Image& mask, const RadiomicsSettings& settings,
                           const std::string& imageName, const std::string& maskName);
};

}  // namespace medsight

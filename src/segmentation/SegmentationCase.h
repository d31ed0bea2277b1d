#pragma once

#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief One patient of a segmentation data set: the image and reference mask as read
/// (`original*`, the grid metrics are reported on) and after the model's preprocessing
/// (`image`/`mask`, the working grid the network sees).
struct SegmentationCase {
  std::string id;
  Image originalImage;
  Image originalMask;
  Image image;  ///< preprocessed, Float32
  Image mask;   ///< preprocessed, UInt8 (0 background, 1 structure)
  /// Auxiliary channels of the model (AuxiliaryChannel), as read and on the working grid.
  std::vector<Image> originalAuxiliary;
  std::vector<Image> auxiliary;

  /// \brief Pointers to originalAuxiliary (what TumourSegmenter::segment takes).
  std::vector<const Image*> originalAuxiliaryViews() const {
    std::vector<const Image*> v;
    for (const auto& a : originalAuxiliary) v.push_back(&a);
    return v;
  }
};

}  // namespace medsight

#pragma once

#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief The DICOM Modality (0008,0060) defined terms of image modalities MedSight reads (PS3.3
/// C.7.3.1.1.1), for `--modality` options: a NIfTI file does not say its modality, and a typo
/// ("ct", "XR") must not silently select the wrong intensity handling.
class ImageModality {
 public:
  /// \brief CT, MR, PT, NM, US, CR, DX, MG, XA, RF and OT (other).
  static const std::vector<std::string>& known() {
    static const std::vector<std::string> values{"CT", "MR", "PT", "NM", "US", "CR",
                                                 "DX", "MG", "XA", "RF", "OT"};
    return values;
  }
  /// \brief Gives `image` the modality of a `--modality` option (nothing when `given` is
  /// empty). WrongModality when the file already states another one: the option is for files
  /// that do not say (NIfTI), and must not turn an MR into a CT for a HU window.
  static void applyOption(Image& image, const std::string& given);
};

}  // namespace medsight

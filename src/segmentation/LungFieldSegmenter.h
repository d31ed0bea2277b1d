#pragma once

#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief Settings of the classical lung-field segmentation.
struct LungFieldSettings {
  double airThresholdHu = -320.0;  ///< lung parenchyma and air lie below (Hu et al., IEEE TMI 2001)
  double closingRadiusMm = 3.0;    ///< closing takes vessels and nodules into the field
  double minimumLungMl = 50.0;     ///< components smaller than this are not lungs
  /// \brief Quality gate: a chest CT shows at least this much lung...
  double gateMinimumMl = 300.0;
  /// \brief ...on at least this fraction of its slices.
  double gateMinimumSliceFraction = 0.3;
};

/// \brief Result of segmenting the lung fields of a chest CT.
struct LungFieldResult {
  Image mask;  ///< UInt8 0/1 on the input grid
  double volumeMl = 0.0;
  double rightVolumeMl = 0.0;   ///< patient right of the mediastinum (LPS x smaller)
  double leftVolumeMl = 0.0;    ///< patient left of the mediastinum
  bool sidesSeparated = false;  ///< a mediastinal gap split the mask; false: one lung in view
  int components = 0;           ///< lung components kept (1 when the lungs touch)
  double sliceFraction = 0.0;   ///< slices with lung / all slices
  bool gatePassed = false;      ///< looks like a chest CT with lungs in view
  std::vector<std::string> gateReasons;  ///< why the gate failed
};

/// \brief Lung fields of a chest CT by thresholding, connected components and morphology: voxels
/// below the air threshold inside the convex hull of the body on each axial slice (air around
/// the patient is outside it; lung cut by a small field of view is not), the one or two largest
/// remaining 3D components, a binary closing and hole filling. The volume and extent feed the
/// pneumonia pipeline's input quality gate.
class LungFieldSegmenter {
 public:
  explicit LungFieldSegmenter(LungFieldSettings settings = {});
  /// \brief Segments a 3D CT in HU. WrongModality for a non-CT modality or an image without
  /// air-range values (not HU), InvalidArgument for 2D or multi-frame input.
  LungFieldResult segment(const Image& ct) const;

 private:
  LungFieldSettings settings_;
};

}  // namespace medsight

#pragma once

#include <map>
#include <string>

#include "core/Image.h"
#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"
#include "radiomics/RoiVolume.h"

namespace medsight {

/// \brief Features of one image and ROI plus diagnostics of the processing chain (grid size
/// and spacing after interpolation, voxel counts of both masks, number of grey levels).
struct RadiomicsResult {
  RadiomicFeatureSet features;
  std::map<std::string, double> diagnostics;
};

/// \brief Computes every IBSI-1 feature family for an image and its ROI mask: runs the
/// processing chain (RoiPreprocessor), discretises, and calls each family.
class RadiomicsExtractor {
 public:
  /// \brief An extractor with these settings.
  explicit RadiomicsExtractor(RadiomicsSettings settings);

  /// \brief Runs the processing chain and all enabled families. Errors as RoiPreprocessor and
  /// IntensityDiscretiser.
  RadiomicsResult extract(const Image& image, const Image& mask, const std::string& imageName,
                          const std::string& maskName) const;
  /// \brief All enabled families on an already processed ROI.
  RadiomicsResult extract(const RoiVolume& roi) const;
  /// \brief The settings.
  const RadiomicsSettings& settings() const { return settings_; }

 private:
  RadiomicsSettings settings_;
};

}  // namespace medsight

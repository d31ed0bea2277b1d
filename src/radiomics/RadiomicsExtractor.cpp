#include "radiomics/RadiomicsExtractor.h"

#include <algorithm>

#include "radiomics/CooccurrenceMatrixFeatures.h"
#include "radiomics/DistanceZoneMatrixFeatures.h"
#include "radiomics/IntensityDiscretiser.h"
#include "radiomics/IntensityHistogramFeatures.h"
#include "radiomics/IntensityStatisticsFeatures.h"
#include "radiomics/IntensityVolumeHistogramFeatures.h"
#include "radiomics/LocalIntensityFeatures.h"
#include "radiomics/MorphologyFeatures.h"
#include "radiomics/NeighbourhoodGreyToneFeatures.h"
#include "radiomics/NeighbouringGreyLevelDependenceFeatures.h"
#include "radiomics/RoiPreprocessor.h"
#include "radiomics/RunLengthMatrixFeatures.h"
#include "radiomics/SizeZoneMatrixFeatures.h"

namespace medsight {

RadiomicsExtractor::RadiomicsExtractor(RadiomicsSettings settings)
    : settings_(std::move(settings)) {}

RadiomicsResult RadiomicsExtractor::extract(const Image& image, const Image& mask,
                                            const std::string& imageName,
                                            const std::string& maskName) const {
  return extract(RoiPreprocessor::prepare(image, mask, settings_, imageName, maskName));
}

RadiomicsResult RadiomicsExtractor::extract(const RoiVolume& roi) const {
  RadiomicsResult result;
  RadiomicFeatureSet& out = result.features;
  const RadiomicsSettings& s = settings_;
  if (s.wants("morphology")) MorphologyFeatures::compute(roi, out);
  if (s.wants("local_intensity")) LocalIntensityFeatures::compute(roi, out);
  if (s.wants("intensity_statistics")) IntensityStatisticsFeatures::compute(roi, out);

  const bool needsLevels = s.wants("intensity_histogram") || s.wants("glcm") || s.wants("glrlm") ||
                           s.wants("glszm") || s.wants("gldzm") || s.wants("ngtdm") ||
                           s.wants("ngldm");
  int levelCount = 0;
  if (needsLevels) {
    const DiscretisedRoi levels =
        IntensityDiscretiser::discretise(roi, s.texture, RadiomicsSettings::kMaxTextureLevels);
    levelCount = levels.levelCount;
    if (s.wants("intensity_histogram")) IntensityHistogramFeatures::compute(levels, out);
    if (s.wants("intensity_volume_histogram")) {
      IntensityVolumeHistogramFeatures::compute(roi, s.ivh, out);
    }
    if (s.wants("glcm")) CooccurrenceMatrixFeatures::compute(levels, s, out);
    if (s.wants("glrlm")) RunLengthMatrixFeatures::compute(levels, s, out);
    if (s.wants("glszm")) SizeZoneMatrixFeatures::compute(levels, s, out);
    if (s.wants("gldzm")) DistanceZoneMatrixFeatures::compute(levels, s, out);
    if (s.wants("ngtdm")) NeighbourhoodGreyToneFeatures::compute(levels, s, out);
    if (s.wants("ngldm")) NeighbouringGreyLevelDependenceFeatures::compute(levels, s, out);
  } else if (s.wants("intensity_volume_histogram")) {
    IntensityVolumeHistogramFeatures::compute(roi, s.ivh, out);
  }

  double morphologyVoxels = 0, intensityVoxels = 0;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    morphologyVoxels += roi.morphologyMask[i];
    intensityVoxels += roi.intensityMask[i];
  }
  auto& d = result.diagnostics;
  d["grid_size_x"] = double(roi.size[0]);
  d["grid_size_y"] = double(roi.size[1]);
  d["grid_size_z"] = double(roi.size[2]);
  d["spacing_x_mm"] = roi.spacing[0];
  d["spacing_y_mm"] = roi.spacing[1];
  d["spacing_z_mm"] = roi.spacing[2];
  d["morphological_mask_voxels"] = morphologyVoxels;
  d["intensity_mask_voxels"] = intensityVoxels;
  if (needsLevels) d["grey_levels"] = levelCount;
  return result;
}

}  // namespace medsight

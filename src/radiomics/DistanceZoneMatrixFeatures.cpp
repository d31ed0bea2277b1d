#include "radiomics/DistanceZoneMatrixFeatures.h"

#include "radiomics/GreyLevelZones.h"
#include "radiomics/TextureAggregation.h"

namespace medsight {

void DistanceZoneMatrixFeatures::compute(const DiscretisedRoi& roi,
                                         const RadiomicsSettings& settings,
                                         RadiomicFeatureSet& out) {
  static const std::array<TextureAggregation::FeatureName, 16> names{
      {{"Small distance emphasis", "0GBI"},
       {"Large distance emphasis", "MB4I"},
       {"Low grey level zone emphasis", "S1RA"},
       {"High grey level zone emphasis", "K26C"},
       {"Small distance low grey level emphasis", "RUVG"},
       {"Small distance high grey level emphasis", "DKNJ"},
       {"Large distance low grey level emphasis", "A7WM"},
       {"Large distance high grey level emphasis", "KLTH"},
       {"Grey level non-uniformity", "VFT7"},
       {"Normalised grey level non-uniformity", "7HP3"},
       {"Zone distance non-uniformity", "V294"},
       {"Normalised zone distance non-uniformity", "IATH"},
       {"Zone percentage", "VIWW"},
       {"Grey level variance", "QK93"},
       {"Zone distance variance", "7WT1"},
       {"Zone distance entropy", "GBDU"}}};
  TextureAggregation::emitZoneAggregates(
      "gldzm", names, long(roi.size[2]), settings.compute2D, settings.compute25D,
      settings.compute3D,
      [&](long slice) {
        LevelPairMatrix m;
        for (const auto& zone : GreyLevelZones::find(roi, slice)) m.add(zone.level, zone.distance);
        m.setVoxelCount(GreyLevelZones::voxelCount(roi, slice));
        return m;
      },
      out);
}

}  // namespace medsight

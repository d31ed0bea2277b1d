#include "radiomics/SizeZoneMatrixFeatures.h"

#include "radiomics/GreyLevelZones.h"
#include "radiomics/TextureAggregation.h"

namespace medsight {

void SizeZoneMatrixFeatures::compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                                     RadiomicFeatureSet& out) {
  static const std::array<TextureAggregation::FeatureName, 16> names{
      {{"Small zone emphasis", "P001"},
       {"Large zone emphasis", "48P8"},
       {"Low grey level zone emphasis", "XMSY"},
       {"High grey level zone emphasis", "5GN9"},
       {"Small zone low grey level emphasis", "5RAI"},
       {"Small zone high grey level emphasis", "HW1V"},
       {"Large zone low grey level emphasis", "YH51"},
       {"Large zone high grey level emphasis", "J17V"},
       {"Grey level non-uniformity", "JNSA"},
       {"Normalised grey level non-uniformity", "Y1RO"},
       {"Zone size non-uniformity", "4JP3"},
       {"Normalised zone size non-uniformity", "VB3A"},
       {"Zone percentage", "P30P"},
       {"Grey level variance", "BYLV"},
       {"Zone size variance", "3NSA"},
       {"Zone size entropy", "GU8N"}}};
  TextureAggregation::emitZoneAggregates(
      "glszm", names, long(roi.size[2]), settings.compute2D, settings.compute25D,
      settings.compute3D,
      [&](long slice) {
        LevelPairMatrix m;
        for (const auto& zone : GreyLevelZones::find(roi, slice)) m.add(zone.level, zone.size);
        m.setVoxelCount(GreyLevelZones::voxelCount(roi, slice));
        return m;
      },
      out);
}

}  // namespace medsight

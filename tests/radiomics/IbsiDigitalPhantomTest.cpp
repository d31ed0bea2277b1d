// IBSI-1 digital phantom: every reference value of reference_values_digital_phantom.csv must
// be reproduced within its tolerance (one failure per mismatching row).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "io/NiftiReader.h"
#include "radiomics/IbsiReferenceTable.h"
#include "radiomics/RadiomicsExtractor.h"
#include "support/TestData.h"

namespace medsight {
namespace {

RadiomicsResult phantomFeatures(const std::filesystem::path& folder) {
  const Image image = NiftiReader::read(folder / "image.nii.gz");
  const Image mask = NiftiReader::read(folder / "mask.nii.gz");
  return RadiomicsExtractor(RadiomicsSettings::digitalPhantom())
      .extract(image, mask, "image.nii.gz", "mask.nii.gz");
}

TEST(IbsiDigitalPhantomData, EveryReferenceValueIsMatchedWithinTolerance) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  MEDSIGHT_DATASET(csv, "ibsi/reference_values_digital_phantom.csv");
  const RadiomicsResult result = phantomFeatures(folder);
  const IbsiReferenceTable table = IbsiReferenceTable::read(csv);
  ASSERT_EQ(table.values().size(), 482u);
  int matched = 0;
  for (const auto& c : table.compare(result.features)) {
    const auto& r = c.reference;
    const std::string where = "line " + std::to_string(r.line) + ": " + r.feature + " [" + r.code +
                              "] " + (r.aggregation.empty() ? "3D" : r.aggregation);
    if (!c.computed) {
      ADD_FAILURE() << where << ": no computed feature matches this row";
      continue;
    }
    if (c.withinTolerance) {
      ++matched;
    } else {
      ADD_FAILURE() << where << ": computed " << c.computed->value << ", reference " << r.valueText
                    << " +- " << r.tolerance;
    }
  }
  std::cout << "[ IBSI     ] digital phantom: " << matched << " of " << table.values().size()
            << " reference values matched within tolerance\n";
  EXPECT_EQ(matched, 482);
}

TEST(IbsiDigitalPhantomData, MorphologyUsesTheMeshNotTheVoxels) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  const RadiomicsResult result = phantomFeatures(folder);
  const auto mesh = result.features.find("morphology", "volume (mesh)", "3D");
  const auto voxels = result.features.find("morphology", "volume (voxel counting)", "3D");
  ASSERT_TRUE(mesh && voxels);
  EXPECT_DOUBLE_EQ(voxels->value, 74 * 8.0);  // 74 ROI voxels of 2 x 2 x 2 mm
  EXPECT_LT(mesh->value, voxels->value);      // the mesh cuts the corners of the voxel set
}

}  // namespace
}  // namespace medsight

// IBSI-1 CT phantom, configurations A-E (IBSI reference manual, chapter 5). Their reference
// values are held back, so these tests check completeness and internal consistency; the values
// themselves are written by bench/radiomics for comparison by the IBSI reference holders.
#include <gtest/gtest.h>

#include <cmath>

#include "io/ImageFileReader.h"
#include "io/NiftiReader.h"
#include "radiomics/RadiomicsExtractor.h"
#include "support/TestData.h"

namespace medsight {
namespace {

struct Phantom {
  Image image, mask;
};

const Phantom& phantom(const std::filesystem::path& folder) {
  static const Phantom p{NiftiReader::read(folder / "image.nii.gz"),
                         NiftiReader::read(folder / "mask.nii.gz")};
  return p;
}

double value(const RadiomicsResult& r, const std::string& family, const std::string& name,
             const std::string& aggregation = "3D") {
  const auto f = r.features.find(family, name, aggregation);
  EXPECT_TRUE(f) << family << " / " << name << " / " << aggregation;
  return f ? f->value : NAN;
}

class IbsiCtPhantomData : public ::testing::TestWithParam<char> {};

TEST_P(IbsiCtPhantomData, ConfigurationGivesEveryFeatureFinite) {
  MEDSIGHT_DATASET(folder, "ibsi/ct_phantom/nifti");
  const char config = GetParam();
  const Phantom& p = phantom(folder);
  const auto settings = RadiomicsSettings::ibsiConfiguration(config);
  const RadiomicsResult r = RadiomicsExtractor(settings).extract(p.image, p.mask, "image", "mask");
  // 74 non-texture features plus, per texture aggregation, 25 GLCM, 16 GLRLM, 16 GLSZM,
  // 16 GLDZM, 5 NGTDM and 17 NGLDM features (2D and 2.5D for A and B, 3D for C-E).
  EXPECT_EQ(r.features.size(), config <= 'B' ? 346u : 210u);
  for (const auto& f : r.features.features()) {
    EXPECT_TRUE(std::isfinite(f.value))
        << config << ": " << f.family << " / " << f.name << " / " << f.aggregation;
  }
  const double mesh = value(r, "morphology", "volume (mesh)");
  const double voxels = value(r, "morphology", "volume (voxel counting)");
  EXPECT_NEAR(mesh / voxels, 1.0, 0.02) << "a 358 cm^3 tumour: mesh and voxel volumes agree";
  EXPECT_GT(value(r, "morphology", "sphericity"), 0.3);
  EXPECT_LT(value(r, "morphology", "sphericity"), 1.0);
  // Re-segmentation bounds hold for every intensity feature.
  if (settings.rangeLower) {
    EXPECT_GE(value(r, "intensity_statistics", "minimum"), *settings.rangeLower);
  }
  if (settings.rangeUpper) {
    EXPECT_LE(value(r, "intensity_statistics", "maximum"), *settings.rangeUpper);
  }
  if (settings.texture.method == DiscretisationMethod::FixedBinNumber) {
    EXPECT_LE(value(r, "intensity_histogram", "maximum"), settings.texture.binCount);
  }
  EXPECT_GT(r.diagnostics.at("intensity_mask_voxels"), 10000);
}

INSTANTIATE_TEST_SUITE_P(Configurations, IbsiCtPhantomData,
                         ::testing::Values('A', 'B', 'C', 'D', 'E'));

TEST(IbsiCtPhantomConfigData, InterpolatedConfigurationsUseTwoMillimetreVoxels) {
  MEDSIGHT_DATASET(folder, "ibsi/ct_phantom/nifti");
  const Phantom& p = phantom(folder);
  const auto c = RadiomicsExtractor(RadiomicsSettings::ibsiConfiguration('C'))
                     .extract(p.image, p.mask, "image", "mask");
  EXPECT_EQ(c.diagnostics.at("spacing_x_mm"), 2.0);
  EXPECT_EQ(c.diagnostics.at("spacing_z_mm"), 2.0);
  const auto b = RadiomicsExtractor(RadiomicsSettings::ibsiConfiguration('B'))
                     .extract(p.image, p.mask, "image", "mask");
  EXPECT_EQ(b.diagnostics.at("spacing_x_mm"), 2.0);
  EXPECT_EQ(b.diagnostics.at("spacing_z_mm"), p.image.geometry().spacing[2]);  // 2D: z kept
  // D has no range and a 3-sigma filter, so it keeps lung voxels C removes (or vice versa):
  // the two intensity masks differ while the morphological masks are the same.
  const auto d = RadiomicsExtractor(RadiomicsSettings::ibsiConfiguration('D'))
                     .extract(p.image, p.mask, "image", "mask");
  EXPECT_EQ(c.diagnostics.at("morphological_mask_voxels"),
            d.diagnostics.at("morphological_mask_voxels"));
  EXPECT_NE(c.diagnostics.at("intensity_mask_voxels"), d.diagnostics.at("intensity_mask_voxels"));
}

TEST(IbsiCtPhantomConfigData, DicomSeriesGivesTheSameFeaturesAsItsNiftiCopy) {
  MEDSIGHT_DATASET(folder, "ibsi/ct_phantom/nifti");
  MEDSIGHT_DATASET(dicom, "ibsi/ct_phantom/dicom/image");
  const Phantom& p = phantom(folder);
  const Image series = ImageFileReader::read(dicom);
  ASSERT_TRUE(series.sameGrid(p.mask, 1e-3))
      << "DICOM series grid differs from the NIfTI mask grid";
  const auto settings = RadiomicsSettings::ibsiConfiguration('C');
  const auto fromNifti = RadiomicsExtractor(settings).extract(p.image, p.mask, "nifti", "mask");
  const auto fromDicom = RadiomicsExtractor(settings).extract(series, p.mask, "dicom", "mask");
  ASSERT_EQ(fromNifti.features.size(), fromDicom.features.size());
  for (std::size_t i = 0; i < fromNifti.features.size(); ++i) {
    const auto& a = fromNifti.features.features()[i];
    const auto& b = fromDicom.features.features()[i];
    EXPECT_NEAR(a.value, b.value, 1e-6 * (1 + std::abs(a.value))) << a.family << " / " << a.name;
  }
}

}  // namespace
}  // namespace medsight

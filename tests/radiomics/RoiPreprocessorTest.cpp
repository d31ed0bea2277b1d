// The IBSI processing chain and its refusal of bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "radiomics/RadiomicsExtractor.h"
#include "radiomics/RoiPreprocessor.h"
#include "support/ErrorCodeOf.h"

namespace medsight {
namespace {

Image volume(std::size_t nx, std::size_t ny, std::size_t nz, std::array<double, 3> spacing,
             PixelType type = PixelType::Float32) {
  ImageGeometry g;
  g.spacing = spacing;
  return Image(type, ImageSize{nx, ny, nz, 1}, 3, 1, g);
}

/// A 20 x 20 x 10 image with a bright 6 x 6 x 4 box ROI.
struct Scene {
  Image image = volume(20, 20, 10, {1, 1, 2});
  Image mask = volume(20, 20, 10, {1, 1, 2}, PixelType::UInt8);
  Scene() {
    for (std::size_t z = 0; z < 10; ++z) {
      for (std::size_t y = 0; y < 20; ++y) {
        for (std::size_t x = 0; x < 20; ++x) {
          const bool in = x >= 7 && x < 13 && y >= 7 && y < 13 && z >= 3 && z < 7;
          image.setValueAt(in ? 100.0 + double(x) : -50.0, x, y, z);
          mask.setValueAt(in ? 1 : 0, x, y, z);
        }
      }
    }
  }
};

using test::codeOf;

TEST(RoiPreprocessor, KeepsTheRoiAndAMarginWithoutInterpolation) {
  Scene s;
  const RoiVolume roi = RoiPreprocessor::prepare(s.image, s.mask, {}, "img", "mask");
  std::size_t count = 0;
  for (auto v : roi.morphologyMask) count += v;
  EXPECT_EQ(count, 6u * 6u * 4u);
  EXPECT_EQ(roi.spacing[2], 2.0);
  EXPECT_EQ(roi.intensityMask, roi.morphologyMask);
}

TEST(RoiPreprocessor, InterpolationUsesIbsiGridAlignment) {
  Scene s;
  RadiomicsSettings settings;
  settings.interpolate = true;
  settings.spacing = {2, 2, 2};
  settings.roundIntensities = true;
  const RoiVolume roi = RoiPreprocessor::prepare(s.image, s.mask, settings, "img", "mask");
  EXPECT_EQ(roi.spacing, (std::array<double, 3>{2, 2, 2}));
  // The aligned 2 mm grid samples x and y at original indices 0.5, 2.5, ...: the 6-voxel ROI
  // edge falls half-way between voxels, where the interpolated mask is exactly 0.5 and IBSI's
  // ">= 0.5" keeps it, so 4 x 4 samples per slice minus the 4 corners (bilinear 0.25); z keeps
  // its 2 mm positions (4 slices).
  std::size_t count = 0;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    count += roi.morphologyMask[i];
    EXPECT_EQ(roi.intensity[i], std::round(roi.intensity[i]));
  }
  EXPECT_EQ(count, 12u * 4u);
}

// A fine interpolation grid is refused before ITK allocates it (it was an Internal "Failed to
// allocate memory" at 0.0001 mm and an undefined cast at 1e-300 mm).
TEST(RoiPreprocessor, AnInterpolationGridOverTheMemoryBudgetIsRefused) {
  Scene s;
  RadiomicsSettings settings;
  settings.interpolate = true;
  for (double spacing : {1e-4, 1e-300}) {
    settings.spacing = {spacing, spacing, spacing};
    EXPECT_EQ(codeOf([&] { RoiPreprocessor::prepare(s.image, s.mask, settings, "img", "mask"); }),
              ErrorCode::TooLarge)
        << spacing;
  }
}

TEST(RoiPreprocessor, ResegmentationSplitsIntensityFromMorphologicalMask) {
  Scene s;
  RadiomicsSettings settings;
  settings.rangeLower = 105;  // ROI intensities are 107..112 (100 + x)
  settings.rangeUpper = 110;
  const RoiVolume roi = RoiPreprocessor::prepare(s.image, s.mask, settings, "img", "mask");
  std::size_t morph = 0, intensity = 0;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    morph += roi.morphologyMask[i];
    intensity += roi.intensityMask[i];
  }
  EXPECT_EQ(morph, 144u);
  EXPECT_EQ(intensity, 4u * 6u * 4u);  // x = 7..10 -> intensities 107..110
}

TEST(RoiPreprocessor, RefusesAMaskThatDoesNotOverlapTheImage) {
  Scene s;
  s.mask.geometry().origin = {500, 0, 0};
  EXPECT_EQ(codeOf([&] { RoiPreprocessor::prepare(s.image, s.mask, {}, "img", "mask"); }),
            ErrorCode::GeometryMismatch);
  try {
    RoiPreprocessor::prepare(s.image, s.mask, {}, "img.nii", "mask.nii");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not overlap"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mask.nii"), std::string::npos);
  }
}

TEST(RoiPreprocessor, RefusesAMaskOnAnotherGrid) {
  Scene s;
  Image other = volume(10, 10, 5, {2, 2, 4}, PixelType::UInt8);
  other.setValueAt(1, 5, 5, 2);
  EXPECT_EQ(codeOf([&] { RoiPreprocessor::prepare(s.image, other, {}, "img", "mask"); }),
            ErrorCode::GeometryMismatch);
}

TEST(RoiPreprocessor, RefusesAnEmptyMask) {
  Scene s;
  Image empty = volume(20, 20, 10, {1, 1, 2}, PixelType::UInt8);
  EXPECT_EQ(codeOf([&] { RoiPreprocessor::prepare(s.image, empty, {}, "img", "mask"); }),
            ErrorCode::EmptyInput);
}

TEST(RoiPreprocessor, RefusesAnRoiEmptiedByResegmentation) {
  Scene s;
  RadiomicsSettings settings;
  settings.rangeLower = 1000;
  try {
    RoiPreprocessor::prepare(s.image, s.mask, settings, "img", "mask.nii");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
    EXPECT_NE(std::string(e.what()).find("re-segmentation"), std::string::npos) << e.what();
  }
}

TEST(RoiPreprocessor, RefusesNonFiniteIntensitiesInsideTheRoi) {
  Scene s;
  s.image.setValueAt(NAN, 8, 8, 4);
  EXPECT_EQ(codeOf([&] { RoiPreprocessor::prepare(s.image, s.mask, {}, "img", "mask"); }),
            ErrorCode::CorruptData);
}

TEST(RoiPreprocessor, RefusesColourImages) {
  Scene s;
  ImageGeometry g;
  g.spacing = {1, 1, 2};
  Image rgb(PixelType::UInt8, ImageSize{20, 20, 10, 1}, 3, 3, g);
  EXPECT_EQ(codeOf([&] { RoiPreprocessor::prepare(rgb, s.mask, {}, "img", "mask"); }),
            ErrorCode::PixelTypeMismatch);
}

TEST(RoiPreprocessor, MaskLabelSelectsOneStructure) {
  Scene s;
  s.mask.setValueAt(2, 1, 1, 1);
  RadiomicsSettings settings;
  settings.maskLabel = 2;
  const RoiVolume roi = RoiPreprocessor::prepare(s.image, s.mask, settings, "img", "mask");
  std::size_t count = 0;
  for (auto v : roi.morphologyMask) count += v;
  EXPECT_EQ(count, 1u);
}

TEST(RadiomicsExtractor, SingleVoxelRoiGivesFeaturesWithoutCrashing) {
  Scene s;
  Image mask = volume(20, 20, 10, {1, 1, 2}, PixelType::UInt8);
  mask.setValueAt(1, 9, 9, 5);
  const auto result = RadiomicsExtractor(RadiomicsSettings{}).extract(s.image, mask, "img", "mask");
  const auto volumeFeature = result.features.find("morphology", "volume (voxel counting)", "3D");
  ASSERT_TRUE(volumeFeature);
  EXPECT_DOUBLE_EQ(volumeFeature->value, 2.0);
  const auto moran = result.features.find("morphology", "Moran's I index", "3D");
  ASSERT_TRUE(moran);
  EXPECT_TRUE(std::isnan(moran->value));  // undefined for one voxel, reported as NaN
}

}  // namespace
}  // namespace medsight

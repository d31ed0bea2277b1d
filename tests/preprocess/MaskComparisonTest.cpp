#include <gtest/gtest.h>

#include "core/Error.h"
#include "preprocess/MaskComparison.h"

namespace medsight {
namespace {

Image cube(std::size_t x0, std::size_t n, std::array<double, 3> spacing = {1, 1, 1}) {
  ImageGeometry g;
  g.spacing = spacing;
  Image m(PixelType::UInt8, {40, 40, 40, 1}, 3, 1, g);
  for (std::size_t z = 10; z < 10 + n; ++z)
    for (std::size_t y = 10; y < 10 + n; ++y)
      for (std::size_t x = x0; x < x0 + n; ++x) m.setValueAt(1, x, y, z);
  return m;
}

TEST(MaskComparison, IdenticalMasksAgreePerfectly) {
  const auto a = MaskComparison::compare(cube(10, 10), cube(10, 10));
  EXPECT_DOUBLE_EQ(a.dice, 1.0);
  EXPECT_DOUBLE_EQ(a.jaccard, 1.0);
  EXPECT_DOUBLE_EQ(*a.hausdorff95Mm, 0.0);
  EXPECT_DOUBLE_EQ(*a.volumeErrorPercent, 0.0);
  EXPECT_DOUBLE_EQ(a.volumeMl, 1.0);  // 1000 voxels of 1 mm^3
}

TEST(MaskComparison, ShiftedCubeHasHandComputedValues) {
  // 10^3 cube shifted by 2 voxels along x at 1.5 mm spacing: overlap 8x10x10.
  const auto a = MaskComparison::compare(cube(12, 10, {1.5, 1, 1}), cube(10, 10, {1.5, 1, 1}));
  EXPECT_NEAR(a.dice, 2.0 * 800 / 2000, 1e-12);
  EXPECT_NEAR(a.jaccard, 800.0 / 1200, 1e-12);
  // The shifted faces are 2 voxels = 3 mm from the other surface; most surface voxels are on
  // shared faces (distance 0 or 3 mm); the 95th percentile is the 3 mm shift.
  EXPECT_NEAR(*a.hausdorff95Mm, 3.0, 1e-6);
  EXPECT_NEAR(*a.volumeErrorPercent, 0.0, 1e-12);
  EXPECT_NEAR(MaskComparison::dice(cube(12, 10), cube(10, 10)), 0.8, 1e-12);
}

TEST(MaskComparison, VolumeErrorAndEmptyMasks) {
  const auto a = MaskComparison::compare(cube(10, 5), cube(10, 10));
  EXPECT_NEAR(*a.volumeErrorPercent, (125.0 - 1000.0) / 1000.0 * 100, 1e-9);
  ImageGeometry g;
  const Image empty(PixelType::UInt8, {40, 40, 40, 1}, 3, 1, g);
  const auto e = MaskComparison::compare(empty, cube(10, 10));
  EXPECT_DOUBLE_EQ(e.dice, 0.0);
  EXPECT_FALSE(e.hausdorff95Mm.has_value());
  EXPECT_DOUBLE_EQ(MaskComparison::compare(empty, empty).dice, 1.0);
}

TEST(MaskComparison, DifferentGridsAreRefused) {
  try {
    MaskComparison::compare(cube(10, 10, {1, 1, 1}), cube(10, 10, {1, 1, 2}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::GeometryMismatch);
  }
}

}  // namespace
}  // namespace medsight

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "radiomics/SpatialAutocorrelation.h"

namespace medsight {
namespace {

RoiVolume randomRoi(std::array<std::size_t, 3> size, std::array<double, 3> spacing, unsigned seed,
                    bool smooth) {
  RoiVolume roi;
  roi.size = size;
  roi.spacing = spacing;
  const std::size_t n = roi.voxelCount();
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 30);
  roi.intensity.resize(n);
  roi.morphologyMask.assign(n, 0);
  roi.intensityMask.assign(n, 0);
  for (std::size_t z = 0; z < size[2]; ++z) {
    for (std::size_t y = 0; y < size[1]; ++y) {
      for (std::size_t x = 0; x < size[0]; ++x) {
        const std::size_t i = roi.index(x, y, z);
        roi.intensity[i] = (smooth ? 5.0 * double(x + 2 * y) : 0.0) + noise(rng);
        const bool in = std::uniform_real_distribution<double>(0, 1)(rng) < 0.7;
        roi.morphologyMask[i] = roi.intensityMask[i] = in;
      }
    }
  }
  return roi;
}

TEST(SpatialAutocorrelation, FourierPathEqualsDirectPairSums) {
  for (bool smooth : {false, true}) {
    const RoiVolume roi = randomRoi({17, 13, 9}, {0.8, 0.8, 2.5}, 7, smooth);
    const auto direct = SpatialAutocorrelation::computeDirect(roi, 2);
    const auto fft = SpatialAutocorrelation::compute(roi, 0);
    EXPECT_NEAR(fft.moransI, direct.moransI, 1e-9 * (1 + std::abs(direct.moransI)));
    EXPECT_NEAR(fft.gearysC, direct.gearysC, 1e-9 * (1 + std::abs(direct.gearysC)));
  }
}

TEST(SpatialAutocorrelation, SmoothGradientIsPositivelyAutocorrelated) {
  const RoiVolume noise = randomRoi({12, 12, 6}, {1, 1, 1}, 3, false);
  const RoiVolume gradient = randomRoi({12, 12, 6}, {1, 1, 1}, 3, true);
  const auto a = SpatialAutocorrelation::compute(noise, 0);
  const auto b = SpatialAutocorrelation::compute(gradient, 0);
  EXPECT_NEAR(a.moransI, 0.0, 0.05);  // white noise: E[I] = -1/(N-1)
  EXPECT_GT(b.moransI, 0.1);
  EXPECT_LT(b.gearysC, a.gearysC);
}

TEST(SpatialAutocorrelation, ConstantRoiIsUndefined) {
  RoiVolume roi = randomRoi({5, 5, 5}, {1, 1, 1}, 1, false);
  for (double& v : roi.intensity) v = 42;
  const auto r = SpatialAutocorrelation::compute(roi, 0);
  EXPECT_TRUE(std::isnan(r.moransI));
  EXPECT_TRUE(std::isnan(r.gearysC));
}

}  // namespace
}  // namespace medsight

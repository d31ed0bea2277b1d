#include "core/ImageContentCheck.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/Error.h"
#include "support/ErrorCodeOf.h"

namespace medsight {
namespace {

using test::codeOf;

Image volume(PixelType type) {
  return Image(type, {4, 3, 2, 1}, 3, 1, ImageGeometry{});
}

TEST(ImageContentCheck, NaNAndInfinityAreCountedAndNamed) {
  Image f = volume(PixelType::Float32);
  f.setValueAt(1.5, 0, 0, 0);
  EXPECT_EQ(ImageContentCheck::nonFiniteCount(f), 0u);
  EXPECT_NO_THROW(ImageContentCheck::requireFinite(f, "ct.nii.gz"));
  f.pixels<float>()[3] = std::numeric_limits<float>::quiet_NaN();
  f.pixels<float>()[7] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(ImageContentCheck::nonFiniteCount(f), 2u);
  try {
    ImageContentCheck::requireFinite(f, "ct.nii.gz");
    ADD_FAILURE() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("ct.nii.gz: 2 of 24 voxels are not a number"),
              std::string::npos)
        << e.what();
  }
  Image d = volume(PixelType::Float64);
  d.pixels<double>()[0] = std::nan("");
  EXPECT_EQ(ImageContentCheck::nonFiniteCount(d), 1u);
  // Integer images cannot hold either.
  EXPECT_EQ(ImageContentCheck::nonFiniteCount(volume(PixelType::Int16)), 0u);
}

// minmax_element's answer with a NaN depended on where the NaN sat (`info` printed "null").
TEST(ImageContentCheck, TheRangeOfAnImageWithNaNIsThatOfItsFiniteVoxels) {
  Image f = volume(PixelType::Float32);
  f.pixels<float>()[0] = std::numeric_limits<float>::quiet_NaN();
  f.pixels<float>()[5] = 3.0f;
  f.pixels<float>()[9] = -2.0f;
  f.pixels<float>()[11] = std::numeric_limits<float>::infinity();
  const auto [lo, hi] = f.minMax();
  EXPECT_EQ(lo, -2.0);
  EXPECT_EQ(hi, 3.0);
  for (float& v : f.pixels<float>()) v = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(f.minMax().first));
}

TEST(ImageContentCheck, ABlankImageIsRefusedAndAnyVariationPasses) {
  Image b = volume(PixelType::Int16);
  try {
    ImageContentCheck::requireVarying(b, "pet.nii.gz", "there is nothing to register");
    ADD_FAILURE() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
    EXPECT_NE(std::string(e.what()).find("pet.nii.gz: every voxel has the same value (0)"),
              std::string::npos)
        << e.what();
  }
  b.setValueAt(1, 3, 2, 1);
  EXPECT_NO_THROW(ImageContentCheck::requireVarying(b, "pet.nii.gz", "x"));
}

TEST(ImageContentCheck, DistinctValuesAreCountedUpToTheLimit) {
  Image mask = volume(PixelType::UInt8);
  mask.pixels<std::uint8_t>()[3] = 1;
  EXPECT_EQ(ImageContentCheck::distinctValues(mask, 8), 2u);
  Image ramp = volume(PixelType::Float32);
  float v = 0.0f;
  for (float& x : ramp.pixels<float>()) x = (v += 0.5f);
  EXPECT_EQ(ImageContentCheck::distinctValues(ramp, 8), 9u) << "stops one past the limit";
  EXPECT_EQ(ImageContentCheck::distinctValues(ramp, 100), 24u);
}

}  // namespace
}  // namespace medsight

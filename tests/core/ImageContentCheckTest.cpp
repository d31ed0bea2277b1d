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

}  // namespace
}  // namespace medsight

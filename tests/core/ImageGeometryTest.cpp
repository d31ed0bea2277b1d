#include "core/ImageGeometry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"

namespace medsight {
namespace {

ImageGeometry obliqueGeometry() {
  ImageGeometry g;
  g.spacing = {0.7, 0.8, 2.5};
  g.origin = {-120.5, 33.25, 71.0};
  // Rotation of 30 degrees about z, then 10 degrees about x (an oblique MR slab).
  const double a = M_PI / 6, b = M_PI / 18;
  const double rz[9] = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  const double rx[9] = {1, 0, 0, 0, std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b)};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      double v = 0;
      for (int k = 0; k < 3; ++k) v += rx[r * 3 + k] * rz[k * 3 + c];
      g.direction[r * 3 + c] = v;
    }
  }
  return g;
}

}  // namespace

TEST(ImageGeometry, IndexToPhysicalFollowsDicomFormula) {
  ImageGeometry g;
  g.spacing = {0.5, 0.5, 3.0};
  g.origin = {10, 20, 30};
  const auto p = g.indexToPhysical({2, 4, 1});
  EXPECT_DOUBLE_EQ(p[0], 11.0);
  EXPECT_DOUBLE_EQ(p[1], 22.0);
  EXPECT_DOUBLE_EQ(p[2], 33.0);
}

TEST(ImageGeometry, PhysicalToIndexInvertsObliqueGeometry) {
  const ImageGeometry g = obliqueGeometry();
  const std::array<double, 3> index{12.5, -3.0, 7.25};
  const auto back = g.physicalToIndex(g.indexToPhysical(index));
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(back[i], index[i], 1e-9);
}

TEST(ImageGeometry, ValidateRejectsBadSpacingAndDirections) {
  ImageGeometry g;
  EXPECT_NO_THROW(g.validate("ok"));
  g.spacing[1] = 0.0;
  EXPECT_THROW(g.validate("zero spacing"), Error);
  g = ImageGeometry{};
  g.direction[0] = 2.0;
  EXPECT_THROW(g.validate("non-orthonormal"), Error);
  EXPECT_NO_THROW(obliqueGeometry().validate("oblique"));
}

TEST(ImageGeometry, OrientationCodeNamesPatientAxes) {
  ImageGeometry g;
  EXPECT_EQ(g.orientationCode(), "LPS");
  // NIfTI RAS+ data read into LPS has flipped x and y.
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  EXPECT_EQ(g.orientationCode(), "RAS");
  // Sagittal: image x runs posterior, image y runs inferior, slices go left.
  g.direction = {0, 0, 1, 1, 0, 0, 0, -1, 0};
  EXPECT_EQ(g.orientationCode(), "PIL");
}

}  // namespace medsight

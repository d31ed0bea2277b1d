// Marching-cubes mesh: known volumes of synthetic shapes (the property is synthetic).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "radiomics/MarchingCubesMesh.h"

namespace medsight {
namespace {

std::vector<std::uint8_t> ball(std::size_t n, double radius) {
  std::vector<std::uint8_t> mask(n * n * n, 0);
  const double c = (double(n) - 1) / 2;
  for (std::size_t z = 0; z < n; ++z) {
    for (std::size_t y = 0; y < n; ++y) {
      for (std::size_t x = 0; x < n; ++x) {
        const double d = std::hypot(double(x) - c, double(y) - c, double(z) - c);
        mask[x + n * (y + n * z)] = d <= radius;
      }
    }
  }
  return mask;
}

TEST(MarchingCubesMesh, SingleVoxelIsAnOctahedronOfOneSixthVoxel) {
  const auto mesh = MarchingCubesMesh::build({1}, {1, 1, 1}, {1, 1, 1});
  EXPECT_NEAR(mesh.volume(), 1.0 / 6.0, 1e-12);
  EXPECT_NEAR(mesh.area(), 8 * std::sqrt(3.0) / 2 * 0.5 * 0.5, 1e-12);  // 8 faces, edge 1/sqrt2
  EXPECT_EQ(mesh.vertices().size(), 6u);
  EXPECT_EQ(mesh.triangleCount(), 8u);
}

TEST(MarchingCubesMesh, VolumeScalesWithAnisotropicSpacing) {
  const auto mask = ball(15, 5.5);
  const auto unit = MarchingCubesMesh::build(mask, {15, 15, 15}, {1, 1, 1});
  const auto scaled = MarchingCubesMesh::build(mask, {15, 15, 15}, {0.5, 2.0, 3.0});
  EXPECT_NEAR(scaled.volume(), unit.volume() * 3.0, 1e-9 * unit.volume());
}

TEST(MarchingCubesMesh, LargeBallApproachesTheSphereVolumeAndArea) {
  const double r = 14.0;
  const auto mesh = MarchingCubesMesh::build(ball(33, r), {33, 33, 33}, {1, 1, 1});
  const double v = 4.0 / 3.0 * std::numbers::pi * r * r * r;
  const double a = 4.0 * std::numbers::pi * r * r;
  EXPECT_NEAR(mesh.volume() / v, 1.0, 0.02);
  EXPECT_NEAR(mesh.area() / a, 1.0, 0.1);  // a voxelised sphere has a bumpy surface
}

TEST(MarchingCubesMesh, EnclosedCavitySubtractsItsVolume) {
  const std::size_t n = 9;
  std::vector<std::uint8_t> solid(n * n * n, 1), hollow = solid;
  hollow[4 + n * (4 + n * 4)] = 0;  // one-voxel cavity in the centre
  const auto full = MarchingCubesMesh::build(solid, {n, n, n}, {1, 1, 1});
  const auto cavity = MarchingCubesMesh::build(hollow, {n, n, n}, {1, 1, 1});
  // Removing one voxel from the interior removes a voxel minus an octahedron-complement: the
  // mesh of the cavity encloses 1/6 voxel of empty space.
  EXPECT_NEAR(full.volume() - cavity.volume(), 1.0 / 6.0, 1e-9);
}

TEST(MarchingCubesMesh, DiagonalVoxelsOnAFaceStayConnectedWithoutHoles) {
  // Two voxels touching along an edge create ambiguous faces; the mesh must still be closed,
  // which shows as a volume independent of where the pair sits in the grid.
  std::vector<std::uint8_t> a(4 * 4 * 4, 0), b(5 * 5 * 5, 0);
  a[1 + 4 * (1 + 4 * 1)] = a[2 + 4 * (2 + 4 * 1)] = 1;
  b[2 + 5 * (2 + 5 * 2)] = b[3 + 5 * (3 + 5 * 2)] = 1;
  const auto ma = MarchingCubesMesh::build(a, {4, 4, 4}, {1, 1, 1});
  const auto mb = MarchingCubesMesh::build(b, {5, 5, 5}, {1, 1, 1});
  EXPECT_NEAR(ma.volume(), mb.volume(), 1e-12);
  EXPECT_GT(ma.volume(), 2.0 / 6.0);  // connected: more than two separate octahedra
}

TEST(MarchingCubesMesh, EmptyMaskHasNoMesh) {
  const auto mesh = MarchingCubesMesh::build(std::vector<std::uint8_t>(8, 0), {2, 2, 2}, {1, 1, 1});
  EXPECT_EQ(mesh.volume(), 0.0);
  EXPECT_TRUE(mesh.vertices().empty());
}

}  // namespace
}  // namespace medsight

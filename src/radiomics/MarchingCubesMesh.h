#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace medsight {

/// \brief Closed triangle mesh of a binary ROI by marching cubes at iso-level 0.5 over the
/// zero-padded mask (IBSI 3.1: mesh-based volume and surface area). Vertices lie on the
/// midpoints of edges between ROI and non-ROI voxels. The triangulation of each cube is derived
/// from its faces rather than a hard-coded case table: on every cube face the iso-line segments
/// are chained into closed polygons, with ambiguous faces (diagonal corners) resolved the same
/// way from both cubes sharing the face (ROI corners connected), so the mesh is watertight and
/// consistently oriented. Non-planar polygons are fanned to enclose the most ROI volume, which
/// reproduces the IBSI digital-phantom consensus (556.3 mm^3).
class MarchingCubesMesh {
 public:
  /// \brief Meshes `mask` (x-fastest, `size` voxels) on a grid with `spacing` mm.
  static MarchingCubesMesh build(const std::vector<std::uint8_t>& mask,
                                 const std::array<std::size_t, 3>& size,
                                 const std::array<double, 3>& spacing);

  /// \brief Enclosed volume in mm^3 (divergence theorem over the triangles).
  double volume() const { return volume_; }
  /// \brief Surface area in mm^2.
  double area() const { return area_; }
  /// \brief Distinct mesh vertices in mm (grid index times spacing).
  const std::vector<std::array<double, 3>>& vertices() const { return vertices_; }
  /// \brief Number of triangles.
  std::size_t triangleCount() const { return triangles_; }

 private:
  double volume_ = 0;
  double area_ = 0;
  std::size_t triangles_ = 0;
  std::vector<std::array<double, 3>> vertices_;
};

}  // namespace medsight

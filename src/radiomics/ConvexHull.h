#pragma once

#include <array>
#include <vector>

namespace medsight {

/// \brief 3D convex hull of a point set through Qhull (libqhull_r): its volume, surface area
/// and the input points that are hull vertices. Used for the IBSI 3.1 convex-hull densities and
/// the maximum 3D diameter.
class ConvexHull {
 public:
  /// \brief Computes the hull; throws Internal when Qhull fails (fewer than 4 points, or all
  /// points coplanar, cannot happen for a marching-cubes mesh).
  static ConvexHull of(const std::vector<std::array<double, 3>>& points);

  /// \brief Enclosed volume.
  double volume() const { return volume_; }
  /// \brief Surface area.
  double area() const { return area_; }
  /// \brief The hull's vertices.
  const std::vector<std::array<double, 3>>& vertices() const { return vertices_; }
  /// \brief Largest distance between two hull vertices (equal to that of the input points).
  double diameter() const;

 private:
  double volume_ = 0;
  double area_ = 0;
  std::vector<std::array<double, 3>> vertices_;
};

}  // namespace medsight

#include "radiomics/MarchingCubesMesh.h"

#include <cmath>
#include <cstddef>

namespace medsight {
namespace {

double signedTetra(const std::array<double, 3>& a, const std::array<double, 3>& b,
                   const std::array<double, 3>& c) {
  return (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
          a[2] * (b[0] * c[1] - b[1] * c[0])) /
         6.0;
}

// Cube corner c has offset (c & 1, (c >> 1) & 1, (c >> 2) & 1); edges join corners that differ
// in one bit. A crossing edge carries one mesh vertex at its midpoint.
struct CaseTable {
  std::array<std::array<int, 2>, 12> edgeCorners{};
  /// Triangles (as edge indices) for each of the 256 inside/outside corner patterns.
  std::array<std::vector<std::array<int, 3>>, 256> triangles;

  CaseTable() {
    int e = 0;
    int edgeOf[8][8];
    for (int a = 0; a < 8; ++a) {
      for (int b = a + 1; b < 8; ++b) {
        const int diff = a ^ b;
        if (diff == 1 || diff == 2 || diff == 4) {
          edgeCorners[e] = {a, b};
          edgeOf[a][b] = edgeOf[b][a] = e++;
        }
      }
    }
    // Faces with their corners counter-clockwise as seen from outside the cube.
    std::array<std::array<int, 4>, 6> faces{};
    int f = 0;
    for (int axis = 0; axis < 3; ++axis) {
      const int u = (axis + 1) % 3, w = (axis + 2) % 3;  // u x w = +axis (right-handed)
      for (int side = 0; side < 2; ++side) {
        const int base = side << axis;
        std::array<int, 4> ring{base, base | (1 << u), base | (1 << u) | (1 << w), base | (1 << w)};
        if (side == 0) std::swap(ring[1], ring[3]);  // outward normal is -axis
        faces[f++] = ring;
      }
    }
    auto midpoint = [&](int edge) {
      const auto [c0, c1] = edgeCorners[edge];
      return std::array<double, 3>{0.5 * ((c0 & 1) + (c1 & 1)) - 0.5,
                                   0.5 * (((c0 >> 1) & 1) + ((c1 >> 1) & 1)) - 0.5,
                                   0.5 * (((c0 >> 2) & 1) + ((c1 >> 2) & 1)) - 0.5};
    };
    for (int pattern = 0; pattern < 256; ++pattern) {
      auto inside = [&](int corner) { return (pattern >> corner) & 1; };
      // next[e]: the iso-line segment leaving the vertex on edge e inside its face. A segment
      // runs from an inside->outside crossing to the next outside->inside crossing (walking the
      // face counter-clockwise), so on an ambiguous face (two diagonal inside corners) the
      // inside corners stay connected; both cubes sharing the face pair its crossings alike.
      std::array<int, 12> next;
      next.fill(-1);
      for (const auto& ring : faces) {
        std::array<int, 4> crossing{};
        std::array<bool, 4> exits{};
        int m = 0;
        for (int k = 0; k < 4; ++k) {
          const int c0 = ring[k], c1 = ring[(k + 1) % 4];
          if (inside(c0) != inside(c1)) {
            crossing[m] = edgeOf[c0][c1];
            exits[m] = inside(c0);
            ++m;
          }
        }
        for (int k = 0; k < m; ++k) {
          if (exits[k]) next[crossing[k]] = crossing[(k + 1) % m];
        }
      }
      std::array<bool, 12> used{};
      for (int start = 0; start < 12; ++start) {
        if (next[start] < 0 || used[start]) continue;
        std::vector<int> loop;
        for (int v = start; !used[v]; v = next[v]) {
          used[v] = true;
          loop.push_back(v);
        }
        // A loop of more than three vertices need not be planar; of its fan triangulations take
        // the one enclosing the most ROI volume (the loops are oriented with normals pointing
        // into the ROI, so that is the smallest signed volume). This reproduces the case
        // tables behind the IBSI consensus (digital phantom mesh volume 556.3 mm^3).
        const std::size_t n = loop.size();
        std::size_t bestStart = 0;
        double bestVolume = INFINITY;
        for (std::size_t start = 0; start < n && n > 3; ++start) {
          double v = 0;
          for (std::size_t k = 1; k + 1 < n; ++k) {
            v += signedTetra(midpoint(loop[start]), midpoint(loop[(start + k) % n]),
                             midpoint(loop[(start + k + 1) % n]));
          }
          if (v < bestVolume - 1e-12) {
            bestVolume = v;
            bestStart = start;
          }
        }
        for (std::size_t k = 1; k + 1 < n; ++k) {
          triangles[pattern].push_back(
              {loop[bestStart], loop[(bestStart + k) % n], loop[(bestStart + k + 1) % n]});
        }
      }
    }
  }
};

const CaseTable& caseTable() {
  static const CaseTable table;
  return table;
}

}  // namespace

MarchingCubesMesh MarchingCubesMesh::build(const std::vector<std::uint8_t>& mask,
                                           const std::array<std::size_t, 3>& size,
                                           const std::array<double, 3>& spacing) {
  const CaseTable& table = caseTable();
  const auto nx = std::ptrdiff_t(size[0]), ny = std::ptrdiff_t(size[1]),
             nz = std::ptrdiff_t(size[2]);
  auto in = [&](std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) -> int {
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return 0;
    return mask[std::size_t(x + nx * (y + ny * z))] != 0;
  };
  // Work relative to the ROI's bounding-box centre to keep the volume sum well conditioned.
  std::ptrdiff_t lo[3] = {nx, ny, nz}, hi[3] = {-1, -1, -1};
  for (std::ptrdiff_t z = 0; z < nz; ++z) {
    for (std::ptrdiff_t y = 0; y < ny; ++y) {
      for (std::ptrdiff_t x = 0; x < nx; ++x) {
        if (!in(x, y, z)) continue;
        const std::ptrdiff_t p[3] = {x, y, z};
        for (int a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], p[a]);
          hi[a] = std::max(hi[a], p[a]);
        }
      }
    }
  }
  MarchingCubesMesh mesh;
  if (hi[0] < 0) return mesh;
  const double centre[3] = {0.5 * double(lo[0] + hi[0]), 0.5 * double(lo[1] + hi[1]),
                            0.5 * double(lo[2] + hi[2])};
  double signedVolume = 0;
  for (std::ptrdiff_t z = lo[2] - 1; z <= hi[2]; ++z) {
    for (std::ptrdiff_t y = lo[1] - 1; y <= hi[1]; ++y) {
      for (std::ptrdiff_t x = lo[0] - 1; x <= hi[0]; ++x) {
        int pattern = 0;
        for (int c = 0; c < 8; ++c) {
          pattern |= in(x + (c & 1), y + ((c >> 1) & 1), z + ((c >> 2) & 1)) << c;
        }
        if (pattern == 0 || pattern == 255) continue;
        for (const auto& tri : table.triangles[pattern]) {
          std::array<std::array<double, 3>, 3> p{};
          for (int k = 0; k < 3; ++k) {
            const auto [c0, c1] = table.edgeCorners[tri[k]];
            const double off[3] = {0.5 * ((c0 & 1) + (c1 & 1)),
                                   0.5 * (((c0 >> 1) & 1) + ((c1 >> 1) & 1)),
                                   0.5 * (((c0 >> 2) & 1) + ((c1 >> 2) & 1))};
            const double idx[3] = {double(x) + off[0], double(y) + off[1], double(z) + off[2]};
            for (int a = 0; a < 3; ++a) p[k][a] = (idx[a] - centre[a]) * spacing[a];
          }
          const std::array<double, 3> u{p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]};
          const std::array<double, 3> v{p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]};
          const std::array<double, 3> n{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                                        u[0] * v[1] - u[1] * v[0]};
          mesh.area_ += 0.5 * std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
          signedVolume += (p[0][0] * (p[1][1] * p[2][2] - p[1][2] * p[2][1]) -
                           p[0][1] * (p[1][0] * p[2][2] - p[1][2] * p[2][0]) +
                           p[0][2] * (p[1][0] * p[2][1] - p[1][1] * p[2][0])) /
                          6.0;
          ++mesh.triangles_;
        }
      }
    }
  }
  // Every polygon is oriented by the same local rule, so the sign is global.
  mesh.volume_ = std::abs(signedVolume);
  // Distinct vertices: midpoints between each ROI voxel and its 6-neighbours outside the ROI.
  for (std::ptrdiff_t z = lo[2]; z <= hi[2]; ++z) {
    for (std::ptrdiff_t y = lo[1]; y <= hi[1]; ++y) {
      for (std::ptrdiff_t x = lo[0]; x <= hi[0]; ++x) {
        if (!in(x, y, z)) continue;
        for (int a = 0; a < 3; ++a) {
          for (int s = -1; s <= 1; s += 2) {
            std::ptrdiff_t q[3] = {x, y, z};
            q[a] += s;
            if (in(q[0], q[1], q[2])) continue;
            std::array<double, 3> pos{double(x) * spacing[0], double(y) * spacing[1],
                                      double(z) * spacing[2]};
            pos[a] += 0.5 * s * spacing[a];
            mesh.vertices_.push_back(pos);
          }
        }
      }
    }
  }
  return mesh;
}

}  // namespace medsight

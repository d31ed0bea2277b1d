#include "radiomics/GreyLevelZones.h"

#include <algorithm>
#include <climits>

#include "radiomics/TextureAggregation.h"

namespace medsight {
namespace {

/// City-block distance to the nearest voxel outside the morphological mask, by two raster
/// passes (Rosenfeld and Pfaltz 1966). 2D (within each slice) when `planar`.
std::vector<int> edgeDistance(const DiscretisedRoi& roi, long z0, long z1, bool planar) {
  const auto nx = long(roi.size[0]), ny = long(roi.size[1]);
  const long nz = z1 - z0;
  std::vector<int> d(std::size_t(nx * ny * nz), 0);
  auto at = [&](long x, long y, long z) -> int& { return d[std::size_t(x + nx * (y + ny * z))]; };
  auto get = [&](long x, long y, long z) -> int {
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return 0;
    return d[std::size_t(x + nx * (y + ny * z))];
  };
  for (long z = 0; z < nz; ++z) {
    for (long y = 0; y < ny; ++y) {
      for (long x = 0; x < nx; ++x) {
        at(x, y, z) = roi.morphologyMask[roi.index(x, y, z + z0)] ? INT_MAX / 2 : 0;
      }
    }
  }
  for (long z = 0; z < nz; ++z) {
    for (long y = 0; y < ny; ++y) {
      for (long x = 0; x < nx; ++x) {
        int& v = at(x, y, z);
        if (v == 0) continue;
        v = std::min({v, get(x - 1, y, z) + 1, get(x, y - 1, z) + 1});
        if (!planar) v = std::min(v, get(x, y, z - 1) + 1);
      }
    }
  }
  for (long z = nz - 1; z >= 0; --z) {
    for (long y = ny - 1; y >= 0; --y) {
      for (long x = nx - 1; x >= 0; --x) {
        int& v = at(x, y, z);
        if (v == 0) continue;
        v = std::min({v, get(x + 1, y, z) + 1, get(x, y + 1, z) + 1});
        if (!planar) v = std::min(v, get(x, y, z + 1) + 1);
      }
    }
  }
  return d;
}

}  // namespace

std::vector<GreyLevelZones::Zone> GreyLevelZones::find(const DiscretisedRoi& roi, long slice) {
  const bool planar = slice >= 0;
  const long z0 = planar ? slice : 0, z1 = planar ? slice + 1 : long(roi.size[2]);
  const auto nx = long(roi.size[0]), ny = long(roi.size[1]);
  const std::vector<int> distance = edgeDistance(roi, z0, z1, planar);
  const auto& neighbours =
      planar ? TextureAggregation::neighbours2D() : TextureAggregation::neighbours3D();
  std::vector<std::uint8_t> visited(std::size_t(nx * ny * (z1 - z0)), 0);
  auto local = [&](long x, long y, long z) { return std::size_t(x + nx * (y + ny * (z - z0))); };
  std::vector<Zone> zones;
  std::vector<std::array<long, 3>> stack;
  for (long z = z0; z < z1; ++z) {
    for (long y = 0; y < ny; ++y) {
      for (long x = 0; x < nx; ++x) {
        const int g = roi.level[roi.index(x, y, z)];
        if (g <= 0 || visited[local(x, y, z)]) continue;
        Zone zone{g, 0, INT_MAX};
        visited[local(x, y, z)] = 1;
        stack.push_back({x, y, z});
        while (!stack.empty()) {
          const auto [cx, cy, cz] = stack.back();
          stack.pop_back();
          ++zone.size;
          zone.distance = std::min(zone.distance, distance[local(cx, cy, cz)]);
          for (const auto& o : neighbours) {
            const long qx = cx + o.dx, qy = cy + o.dy, qz = cz + o.dz;
            if (qx < 0 || qy < 0 || qz < z0 || qx >= nx || qy >= ny || qz >= z1) continue;
            if (visited[local(qx, qy, qz)] || roi.level[roi.index(qx, qy, qz)] != g) continue;
            visited[local(qx, qy, qz)] = 1;
            stack.push_back({qx, qy, qz});
          }
        }
        zones.push_back(zone);
      }
    }
  }
  return zones;
}

double GreyLevelZones::voxelCount(const DiscretisedRoi& roi, long slice) {
  const std::size_t plane = roi.size[0] * roi.size[1];
  const std::size_t begin = slice >= 0 ? std::size_t(slice) * plane : 0;
  const std::size_t end = slice >= 0 ? begin + plane : roi.level.size();
  double n = 0;
  for (std::size_t i = begin; i < end; ++i) n += roi.level[i] > 0;
  return n;
}

}  // namespace medsight

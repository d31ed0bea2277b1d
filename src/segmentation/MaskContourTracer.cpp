#include "segmentation/MaskContourTracer.h"

#include <unordered_map>

#include "core/Error.h"
#include "preprocess/MaskComparison.h"

namespace medsight {
namespace {

struct Edge {
  int x0, y0, x1, y1;
  bool used = false;
};

}  // namespace

std::vector<SliceContour> MaskContourTracer::trace(const Image& mask) {
  if (mask.components() != 1 || mask.size().t != 1) {
    throw Error(ErrorCode::InvalidArgument, "contour tracing needs a single-frame scalar mask");
  }
  // Any non-zero voxel is inside, as everywhere else (a cast would round a 0.4 away).
  const Image m = MaskComparison::binary(mask);
  const auto px = m.pixels<std::uint8_t>();
  const int nx = static_cast<int>(m.size().x), ny = static_cast<int>(m.size().y);
  std::vector<SliceContour> out;
  for (std::size_t k = 0; k < m.size().z; ++k) {
    auto inside = [&](int x, int y) {
      return x >= 0 && y >= 0 && x < nx && y < ny &&
             px[(k * static_cast<std::size_t>(ny) + static_cast<std::size_t>(y)) * nx +
                static_cast<std::size_t>(x)] != 0;
    };
    // Directed pixel-side edges with the inside on the right (screen coordinates, y down).
    std::vector<Edge> edges;
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        if (!inside(x, y)) continue;
        if (!inside(x, y - 1)) edges.push_back({x, y, x + 1, y});
        if (!inside(x + 1, y)) edges.push_back({x + 1, y, x + 1, y + 1});
        if (!inside(x, y + 1)) edges.push_back({x + 1, y + 1, x, y + 1});
        if (!inside(x - 1, y)) edges.push_back({x, y + 1, x, y});
      }
    }
    if (edges.empty()) continue;
    std::unordered_multimap<long long, std::size_t> from;
    auto key = [&](int x, int y) { return static_cast<long long>(y) * (nx + 2) + x; };
    for (std::size_t i = 0; i < edges.size(); ++i) from.emplace(key(edges[i].x0, edges[i].y0), i);

    for (std::size_t start = 0; start < edges.size(); ++start) {
      if (edges[start].used) continue;
      std::vector<std::array<int, 2>> loop;
      std::size_t e = start;
      while (!edges[e].used) {
        edges[e].used = true;
        loop.push_back({edges[e].x0, edges[e].y0});
        const int dx = edges[e].x1 - edges[e].x0, dy = edges[e].y1 - edges[e].y0;
        const int rx = -dy, ry = dx;  // the right turn: keeps corner-touching voxels apart
        std::size_t next = edges.size();
        const auto [b, en] = from.equal_range(key(edges[e].x1, edges[e].y1));
        for (auto it = b; it != en; ++it) {
          const Edge& c = edges[it->second];
          if (c.used && it->second != start) continue;
          const int cx = c.x1 - c.x0, cy = c.y1 - c.y0;
          if (next == edges.size() || (cx == rx && cy == ry)) next = it->second;
        }
        if (next == edges.size()) {
          throw Error(ErrorCode::Internal, "contour tracing: an outline did not close");
        }
        e = next;
      }
      // Drop vertices between collinear edges.
      std::vector<std::array<int, 2>> simple;
      const std::size_t n = loop.size();
      for (std::size_t i = 0; i < n; ++i) {
        const auto& p = loop[(i + n - 1) % n];
        const auto& q = loop[i];
        const auto& r = loop[(i + 1) % n];
        if ((q[0] - p[0]) * (r[1] - q[1]) - (q[1] - p[1]) * (r[0] - q[0]) != 0) simple.push_back(q);
      }
      SliceContour c;
      c.slice = k;
      for (const auto& v : simple) {
        // Corner (cx, cy) of the voxel lattice sits at index (cx - 0.5, cy - 0.5).
        c.points.push_back(
            m.geometry().indexToPhysical({v[0] - 0.5, v[1] - 0.5, static_cast<double>(k)}));
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace medsight

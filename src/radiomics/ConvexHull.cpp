#include "radiomics/ConvexHull.h"

extern "C" {
#include <libqhull_r/qhull_ra.h>
}

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "core/Error.h"

namespace medsight {

ConvexHull ConvexHull::of(const std::vector<std::array<double, 3>>& points) {
  if (points.size() < 4) {
    throw Error(ErrorCode::Internal,
                "convex hull needs at least 4 points, got " + std::to_string(points.size()));
  }
  std::vector<coordT> coords;
  coords.reserve(points.size() * 3);
  for (const auto& p : points) coords.insert(coords.end(), p.begin(), p.end());

  // Qhull reports problems on its error stream; keep them off the user's terminal.
  std::unique_ptr<FILE, int (*)(FILE*)> sink(std::fopen("/dev/null", "w"), &std::fclose);
  qhT context;
  qhT* qh = &context;
  qh_zero(qh, sink.get());
  char command[] = "qhull Qt";
  const int status = qh_new_qhull(qh, 3, static_cast<int>(points.size()), coords.data(), False,
                                  command, nullptr, sink.get());
  ConvexHull hull;
  if (status == 0) {
    qh_getarea(qh, qh->facet_list);
    hull.volume_ = qh->totvol;
    hull.area_ = qh->totarea;
    vertexT* vertex;
    FORALLvertices {
      const coordT* p = vertex->point;
      hull.vertices_.push_back({p[0], p[1], p[2]});
    }
  }
  qh_freeqhull(qh, !qh_ALL);
  int curlong = 0, totlong = 0;
  qh_memfreeshort(qh, &curlong, &totlong);
  if (status != 0) {
    throw Error(ErrorCode::Internal,
                "Qhull could not compute a convex hull (status " + std::to_string(status) + ")");
  }
  return hull;
}

double ConvexHull::diameter() const {
  double best = 0;
  for (std::size_t i = 0; i < vertices_.size(); ++i) {
    for (std::size_t j = i + 1; j < vertices_.size(); ++j) {
      const double dx = vertices_[i][0] - vertices_[j][0];
      const double dy = vertices_[i][1] - vertices_[j][1];
      const double dz = vertices_[i][2] - vertices_[j][2];
      best = std::max(best, dx * dx + dy * dy + dz * dz);
    }
  }
  return std::sqrt(best);
}

}  // namespace medsight

#include "registration/HeaderRepositioner.h"

#include <cmath>

namespace medsight {

SpatialTransform HeaderRepositioner::reposition(Image& image, std::array<double, 3> r,
                                                std::array<double, 3> t, std::array<double, 3> c) {
  // ITK Euler3DTransform's default order (ComputeZYX off): R = Rz * Rx * Ry.
  const double cx = std::cos(r[0]), sx = std::sin(r[0]), cy = std::cos(r[1]), sy = std::sin(r[1]),
               cz = std::cos(r[2]), sz = std::sin(r[2]);
  const double rx[9] = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
  const double ry[9] = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
  const double rz[9] = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
  auto mul = [](const double* a, const double* b, double* out) {
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        out[i * 3 + j] = 0;
        for (int k = 0; k < 3; ++k) out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
      }
  };
  double zx[9], rot[9];
  mul(rz, rx, zx);
  mul(zx, ry, rot);
  ImageGeometry& g = image.geometry();
  double d[9];
  mul(rot, g.direction.data(), d);
  std::array<double, 3> o{};
  for (int i = 0; i < 3; ++i) {
    o[i] = c[i] + t[i];
    for (int k = 0; k < 3; ++k) o[i] += rot[i * 3 + k] * (g.origin[k] - c[k]);
  }
  g.origin = o;
  for (int i = 0; i < 9; ++i) g.direction[i] = d[i];
  // Content at original point p is now at R(p - c) + c + t: the fixed -> moving map.
  return SpatialTransform::rigid(r, t, c);
}

}  // namespace medsight

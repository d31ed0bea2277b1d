#pragma once

// Small synthetic volumes whose properties are known exactly (for unit tests).

#include <cmath>
#include <functional>
#include <random>

#include "core/Image.h"

namespace medsight::test {

/// \brief A Float32 volume filled by f(x, y, z), with anisotropic spacing and an oblique
/// direction (rotated 30 degrees about z) so geometry handling is exercised.
inline Image syntheticVolume(std::size_t nx, std::size_t ny, std::size_t nz,
                             const std::function<float(std::size_t, std::size_t, std::size_t)>& f,
                             bool oblique = true) {
  ImageGeometry g;
  g.spacing = {0.8, 0.9, 2.5};
  g.origin = {-12.0, 30.5, 101.25};
  if (oblique) {
    const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
    g.direction = {c, -s, 0, s, c, 0, 0, 0, 1};
  }
  Image img(PixelType::Float32, {nx, ny, nz, 1}, 3, 1, g);
  auto p = img.pixels<float>();
  std::size_t i = 0;
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) p[i++] = f(x, y, z);
  img.setModality("MR");
  return img;
}

/// \brief Adds seeded Gaussian noise.
inline void addNoise(Image& img, double sigma, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, sigma);
  for (float& v : img.pixels<float>()) v = static_cast<float>(v + n(rng));
}

/// \brief Mean and standard deviation over a box [x0,x1) x [y0,y1) x [z0,z1).
inline std::pair<double, double> boxStats(const Image& img, std::size_t x0, std::size_t x1,
                                          std::size_t y0, std::size_t y1, std::size_t z0,
                                          std::size_t z1) {
  double s = 0, ss = 0;
  std::size_t n = 0;
  for (std::size_t z = z0; z < z1; ++z)
    for (std::size_t y = y0; y < y1; ++y)
      for (std::size_t x = x0; x < x1; ++x) {
        const double v = img.valueAt(x, y, z);
        s += v;
        ss += v * v;
        ++n;
      }
  const double m = s / n;
  return {m, std::sqrt(std::max(0.0, ss / n - m * m))};
}

}  // namespace medsight::test

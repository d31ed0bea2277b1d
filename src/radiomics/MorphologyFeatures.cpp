#include "radiomics/MorphologyFeatures.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "radiomics/ConvexHull.h"
#include "radiomics/MarchingCubesMesh.h"
#include "radiomics/SpatialAutocorrelation.h"

namespace medsight {

std::array<double, 3> MorphologyFeatures::symmetricEigenvalues(const std::array<double, 6>& m) {
  // Closed form for symmetric 3x3 matrices (O. K. Smith, Comm. ACM 4(4), 1961).
  const double a00 = m[0], a01 = m[1], a02 = m[2], a11 = m[3], a12 = m[4], a22 = m[5];
  const double p1 = a01 * a01 + a02 * a02 + a12 * a12;
  std::array<double, 3> e{};
  if (p1 <= 1e-300) {
    e = {a00, a11, a22};
  } else {
    const double q = (a00 + a11 + a22) / 3.0;
    const double p2 =
        (a00 - q) * (a00 - q) + (a11 - q) * (a11 - q) + (a22 - q) * (a22 - q) + 2 * p1;
    const double p = std::sqrt(p2 / 6.0);
    const double b00 = (a00 - q) / p, b11 = (a11 - q) / p, b22 = (a22 - q) / p;
    const double b01 = a01 / p, b02 = a02 / p, b12 = a12 / p;
    const double det = b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) +
                       b02 * (b01 * b12 - b11 * b02);
    const double r = std::clamp(det / 2.0, -1.0, 1.0);
    const double phi = std::acos(r) / 3.0;
    e[0] = q + 2 * p * std::cos(phi);
    e[2] = q + 2 * p * std::cos(phi + 2.0 * std::numbers::pi / 3.0);
    e[1] = 3 * q - e[0] - e[2];
  }
  std::sort(e.begin(), e.end(), std::greater<double>());
  for (double& v : e) v = std::max(v, 0.0);
  return e;
}

double MorphologyFeatures::ellipsoidArea(double a, double b, double c) {
  if (!(a > 0)) return 0;
  const double alpha = std::sqrt(std::max(0.0, 1.0 - (b * b) / (a * a)));
  const double beta = std::sqrt(std::max(0.0, 1.0 - (c * c) / (a * a)));
  // Q_n = (alpha beta)^n P_n(x) with x = (alpha^2 + beta^2) / (2 alpha beta), by the Legendre
  // recurrence scaled so that alpha beta = 0 (a sphere) needs no division.
  const double s = alpha * beta, sx = 0.5 * (alpha * alpha + beta * beta);
  double qPrev = 1.0, q = sx;
  double sum = 1.0 + q / (1.0 - 4.0);
  for (int n = 1; n < 20; ++n) {
    const double next = ((2.0 * n + 1.0) * sx * q - double(n) * s * s * qPrev) / (n + 1.0);
    qPrev = q;
    q = next;
    const double nu = n + 1.0;
    sum += q / (1.0 - 4.0 * nu * nu);
  }
  return 4.0 * std::numbers::pi * a * b * sum;
}

void MorphologyFeatures::compute(const RoiVolume& roi, RadiomicFeatureSet& out) {
  const double pi = std::numbers::pi;
  const MarchingCubesMesh mesh =
      MarchingCubesMesh::build(roi.morphologyMask, roi.size, roi.spacing);
  const double volume = mesh.volume();
  const double area = mesh.area();

  // Voxel positions (mm) of the morphological mask, and intensity-weighted centre of the
  // intensity mask.
  double n = 0, sx = 0, sy = 0, sz = 0;
  double sxx = 0, sxy = 0, sxz = 0, syy = 0, syz = 0, szz = 0;
  double wsum = 0, wx = 0, wy = 0, wz = 0, intensitySum = 0, intensityCount = 0;
  for (std::size_t z = 0; z < roi.size[2]; ++z) {
    for (std::size_t y = 0; y < roi.size[1]; ++y) {
      for (std::size_t x = 0; x < roi.size[0]; ++x) {
        const std::size_t i = roi.index(x, y, z);
        const double px = double(x) * roi.spacing[0], py = double(y) * roi.spacing[1],
                     pz = double(z) * roi.spacing[2];
        if (roi.morphologyMask[i]) {
          n += 1;
          sx += px;
          sy += py;
          sz += pz;
          sxx += px * px;
          sxy += px * py;
          sxz += px * pz;
          syy += py * py;
          syz += py * pz;
          szz += pz * pz;
        }
        if (roi.intensityMask[i]) {
          const double v = roi.intensity[i];
          wsum += v;
          wx += v * px;
          wy += v * py;
          wz += v * pz;
          intensitySum += v;
          intensityCount += 1;
        }
      }
    }
  }
  const double cx = sx / n, cy = sy / n, cz = sz / n;
  const double comShift = std::sqrt(std::pow(wx / wsum - cx, 2) + std::pow(wy / wsum - cy, 2) +
                                    std::pow(wz / wsum - cz, 2));
  // Sample covariance (divisor N - 1) of the voxel positions, as in the IBSI reference values.
  const double k = n > 1 ? n / (n - 1) : 1.0;
  const auto lambda = symmetricEigenvalues({k * (sxx / n - cx * cx), k * (sxy / n - cx * cy),
                                            k * (sxz / n - cx * cz), k * (syy / n - cy * cy),
                                            k * (syz / n - cy * cz), k * (szz / n - cz * cz)});
  const double major = 4 * std::sqrt(lambda[0]), minor = 4 * std::sqrt(lambda[1]),
               least = 4 * std::sqrt(lambda[2]);

  // Axis-aligned bounding box of the mesh.
  std::array<double, 3> lo{INFINITY, INFINITY, INFINITY}, hi{-INFINITY, -INFINITY, -INFINITY};
  for (const auto& v : mesh.vertices()) {
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], v[a]);
      hi[a] = std::max(hi[a], v[a]);
    }
  }
  const double ex = hi[0] - lo[0], ey = hi[1] - lo[1], ez = hi[2] - lo[2];
  const double aabbVolume = ex * ey * ez;
  const double aabbArea = 2 * (ex * ey + ex * ez + ey * ez);

  // Approximate enclosing ellipsoid: semi-axes 2 sqrt(lambda).
  const double ea = 2 * std::sqrt(lambda[0]), eb = 2 * std::sqrt(lambda[1]),
               ec = 2 * std::sqrt(lambda[2]);
  const double aeeVolume = 4.0 * pi * ea * eb * ec / 3.0;
  const double aeeArea = ellipsoidArea(ea, eb, ec);

  const ConvexHull hull = ConvexHull::of(mesh.vertices());
  const SpatialAutocorrelation::Result autocorrelation = SpatialAutocorrelation::compute(roi);

  const double voxelVolume = n * roi.voxelVolume();
  const double sphereTerm = 36.0 * pi * volume * volume;
  struct Row {
    const char* name;
    const char* code;
    double value;
  };
  const Row rows[] = {
      {"volume (mesh)", "RNU0", volume},
      {"volume (voxel counting)", "YEKZ", voxelVolume},
      {"surface area (mesh)", "C0JK", area},
      {"surface to volume ratio", "2PR5", area / volume},
      {"compactness 1", "SKGS", volume / (std::sqrt(pi) * std::pow(area, 1.5))},
      {"compactness 2", "BQWJ", sphereTerm / (area * area * area)},
      {"spherical disproportion", "KRCK", area / std::cbrt(sphereTerm)},
      {"sphericity", "QCFX", std::cbrt(sphereTerm) / area},
      {"asphericity", "25C7", std::cbrt(area * area * area / sphereTerm) - 1.0},
      {"centre of mass shift", "KLMA", comShift},
      {"maximum 3D diameter", "L0JK", hull.diameter()},
      {"major axis length", "TDIC", major},
      {"minor axis length", "P9VJ", minor},
      {"least axis length", "7J51", least},
      {"elongation", "Q3CK", lambda[0] > 0 ? std::sqrt(lambda[1] / lambda[0]) : NAN},
      {"flatness", "N17B", lambda[0] > 0 ? std::sqrt(lambda[2] / lambda[0]) : NAN},
      {"volume density (AABB)", "PBX1", volume / aabbVolume},
      {"area density (AABB)", "R59B", area / aabbArea},
      {"volume density (AEE)", "6BDE", aeeVolume > 0 ? volume / aeeVolume : NAN},
      {"area density (AEE)", "RDD2", aeeArea > 0 ? area / aeeArea : NAN},
      {"volume density (convex hull)", "R3ER", volume / hull.volume()},
      {"area density (convex hull)", "7T7F", area / hull.area()},
      {"integrated intensity", "99N0", volume * intensitySum / intensityCount},
      {"Moran's I index", "N365", autocorrelation.moransI},
      {"Geary's C measure", "NPT7", autocorrelation.gearysC},
  };
  for (const auto& r : rows) out.add({"morphology", r.name, r.code, "3D", "DHQ4", r.value});
}

}  // namespace medsight

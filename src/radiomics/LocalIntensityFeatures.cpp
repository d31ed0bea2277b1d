#include "radiomics/LocalIntensityFeatures.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace medsight {

void LocalIntensityFeatures::compute(const RoiVolume& roi, RadiomicFeatureSet& out) {
  // Sphere of 1 cm^3: r = (3 / (4 pi))^(1/3) cm.
  const double radius = 10.0 * std::cbrt(3.0 / (4.0 * std::numbers::pi));
  std::vector<std::array<std::ptrdiff_t, 3>> offsets;
  std::array<std::ptrdiff_t, 3> reach{};
  for (int a = 0; a < 3; ++a) reach[a] = std::ptrdiff_t(std::floor(radius / roi.spacing[a]));
  for (std::ptrdiff_t dz = -reach[2]; dz <= reach[2]; ++dz) {
    for (std::ptrdiff_t dy = -reach[1]; dy <= reach[1]; ++dy) {
      for (std::ptrdiff_t dx = -reach[0]; dx <= reach[0]; ++dx) {
        const double d = std::hypot(dx * roi.spacing[0], dy * roi.spacing[1], dz * roi.spacing[2]);
        if (d <= radius + 1e-9) offsets.push_back({dx, dy, dz});
      }
    }
  }
  auto sphereMean = [&](std::size_t x, std::size_t y, std::size_t z) {
    double sum = 0;
    std::size_t n = 0;
    for (const auto& o : offsets) {
      const std::ptrdiff_t px = std::ptrdiff_t(x) + o[0], py = std::ptrdiff_t(y) + o[1],
                           pz = std::ptrdiff_t(z) + o[2];
      if (px < 0 || py < 0 || pz < 0 || px >= std::ptrdiff_t(roi.size[0]) ||
          py >= std::ptrdiff_t(roi.size[1]) || pz >= std::ptrdiff_t(roi.size[2])) {
        continue;
      }
      sum += roi.intensity[roi.index(std::size_t(px), std::size_t(py), std::size_t(pz))];
      ++n;
    }
    return sum / double(n);
  };
  double maxIntensity = -INFINITY;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    if (roi.intensityMask[i]) maxIntensity = std::max(maxIntensity, roi.intensity[i]);
  }
  double localPeak = -INFINITY, globalPeak = -INFINITY;
  for (std::size_t z = 0; z < roi.size[2]; ++z) {
    for (std::size_t y = 0; y < roi.size[1]; ++y) {
      for (std::size_t x = 0; x < roi.size[0]; ++x) {
        const std::size_t i = roi.index(x, y, z);
        if (!roi.intensityMask[i]) continue;
        const double m = sphereMean(x, y, z);
        globalPeak = std::max(globalPeak, m);
        // Several voxels may share the maximum intensity: take the largest of their means.
        if (roi.intensity[i] == maxIntensity) localPeak = std::max(localPeak, m);
      }
    }
  }
  out.add({"local_intensity", "local intensity peak", "VJGA", "3D", "DHQ4", localPeak});
  out.add({"local_intensity", "global intensity peak", "0F91", "3D", "DHQ4", globalPeak});
}

}  // namespace medsight

#include "radiomics/IntensityVolumeHistogramFeatures.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/NumberText.h"

namespace medsight {
void IntensityVolumeHistogramFeatures::compute(const RoiVolume& roi,
                                               const DiscretisationSettings& settings,
                                               RadiomicFeatureSet& out) {
  double lo = INFINITY, hi = -INFINITY;
  std::vector<double> values;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    if (!roi.intensityMask[i]) continue;
    values.push_back(roi.intensity[i]);
    lo = std::min(lo, roi.intensity[i]);
    hi = std::max(hi, roi.intensity[i]);
  }
  // Levels g_k (k = 0..K-1) with their intensity, and the bin of each voxel (IBSI 3.5 / MIRP):
  // none -> every integer of the range; FBS -> bin centres from the range's lower bound;
  // FBN -> bins 1..N over the ROI's own minimum and maximum.
  double first = 0, step = 1;
  std::size_t levels = 0;
  // The level count is checked as a double, before the cast: a bin width of 1e-300 gives more
  // levels than a size_t holds (and the cast would be undefined).
  const auto levelCount = [](double wanted) {
    if (!(wanted >= 1)) {
      throw Error(ErrorCode::InvalidConfiguration,
                  "IVH: the intensity range is empty (its upper bound lies below its lower)");
    }
    if (!(wanted <= 50'000'000)) {
      throw Error(
          ErrorCode::InvalidConfiguration,
          "IVH would need " + NumberText::significant(wanted, 3) + " levels; use fixed_bin_number");
    }
    return static_cast<std::size_t>(wanted);
  };
  std::vector<std::size_t> bin(values.size());
  switch (settings.method) {
    case DiscretisationMethod::None: {
      first = roi.rangeLower.value_or(lo);
      const double last = roi.rangeUpper.value_or(hi);
      levels = levelCount(last - first + 1);
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] != std::floor(values[i])) {
          throw Error(ErrorCode::InvalidConfiguration,
                      "IVH discretisation 'none' needs integer intensities; the ROI has " +
                          std::to_string(values[i]) + " (use fixed_bin_number)");
        }
        bin[i] = static_cast<std::size_t>(values[i] - first);
      }
      break;
    }
    case DiscretisationMethod::FixedBinSize: {
      const double w = settings.binWidth;
      const double lower = roi.rangeLower.value_or(lo);
      const double upper = roi.rangeUpper.value_or(hi);
      levels = levelCount(std::ceil((upper - lower) / w) + 1);
      first = lower + 0.5 * w;
      step = w;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double b = std::floor((values[i] - lower) / w);
        bin[i] = static_cast<std::size_t>(std::clamp(b, 0.0, double(levels - 1)));
      }
      break;
    }
    case DiscretisationMethod::FixedBinNumber: {
      const int n = settings.binCount;
      levels = static_cast<std::size_t>(n);
      first = 1;
      for (std::size_t i = 0; i < values.size(); ++i) {
        double b = hi > lo ? std::floor(n * (values[i] - lo) / (hi - lo)) : 0;
        bin[i] = static_cast<std::size_t>(std::clamp(b, 0.0, double(n - 1)));
      }
      break;
    }
  }
  std::vector<double> count(levels, 0.0);
  for (std::size_t b : bin) count[b] += 1;
  const double n = double(values.size());
  const double gFirst = first, gLast = first + double(levels - 1) * step;
  // nu_k: fraction of the volume with intensity >= g_k; gamma_k: intensity fraction of g_k.
  std::vector<double> nu(levels), gamma(levels), g(levels);
  double below = 0;
  for (std::size_t k = 0; k < levels; ++k) {
    g[k] = first + double(k) * step;
    gamma[k] = levels > 1 ? (g[k] - gFirst) / (gLast - gFirst) : 0.0;
    nu[k] = 1.0 - below / n;
    below += count[k];
  }
  auto volumeAt = [&](double fraction) {
    for (std::size_t k = 0; k < levels; ++k) {
      if (gamma[k] >= fraction - 1e-12) return nu[k];
    }
    return 0.0;
  };
  auto intensityAt = [&](double fraction) {
    for (std::size_t k = 0; k < levels; ++k) {
      if (nu[k] <= fraction + 1e-12) return g[k];
    }
    return gLast + step;  // no level holds so little volume: one level above the maximum
  };
  const double v10 = volumeAt(0.10), v90 = volumeAt(0.90);
  const double i10 = intensityAt(0.10), i90 = intensityAt(0.90);
  const char* family = "intensity_volume_histogram";
  out.add({family, "volume fraction at 10% intensity", "BC2M", "3D", "DHQ4", v10});
  out.add({family, "volume fraction at 90% intensity", "BC2M", "3D", "DHQ4", v90});
  out.add({family, "intensity at 10% volume", "GBPN", "3D", "DHQ4", i10});
  out.add({family, "intensity at 90% volume", "GBPN", "3D", "DHQ4", i90});
  out.add({family, "volume fraction difference between 10% and 90% intensity", "DDTU", "3D", "DHQ4",
           v10 - v90});
  out.add(
      {family, "intensity difference between 10% and 90% volume", "CNV2", "3D", "DHQ4", i10 - i90});
}

}  // namespace medsight

#include "radiomics/IntensityDiscretiser.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/Error.h"
#include "core/NumberText.h"

namespace medsight {

DiscretisedRoi IntensityDiscretiser::discretise(const RoiVolume& roi,
                                                const DiscretisationSettings& settings,
                                                int maxLevels) {
  DiscretisedRoi out;
  out.size = roi.size;
  out.spacing = roi.spacing;
  out.morphologyMask = roi.morphologyMask;
  out.level.assign(roi.voxelCount(), 0);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    if (!roi.intensityMask[i]) continue;
    lo = std::min(lo, roi.intensity[i]);
    hi = std::max(hi, roi.intensity[i]);
  }
  double levelCount = 0;
  switch (settings.method) {
    case DiscretisationMethod::None:
      if (lo < 1 || hi > maxLevels) {
        throw Error(ErrorCode::InvalidConfiguration,
                    "discretisation 'none' needs intensities that are grey levels 1.." +
                        std::to_string(maxLevels) + "; the ROI spans " + std::to_string(lo) + ".." +
                        std::to_string(hi) + " (use fixed_bin_number or fixed_bin_size)");
      }
      for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
        if (!roi.intensityMask[i]) continue;
        const double v = roi.intensity[i];
        if (v != std::floor(v)) {
          throw Error(ErrorCode::InvalidConfiguration,
                      "discretisation 'none' needs integer intensities; the ROI has " +
                          std::to_string(v) + " (use fixed_bin_number or fixed_bin_size)");
        }
        out.level[i] = static_cast<int>(v);
      }
      levelCount = hi;
      break;
    case DiscretisationMethod::FixedBinNumber: {
      const int n = settings.binCount;
      if (n < 1 || n > maxLevels) {
        throw Error(ErrorCode::InvalidConfiguration,
                    "fixed bin number must be in 1.." + std::to_string(maxLevels));
      }
      for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
        if (!roi.intensityMask[i]) continue;
        int level = (n + 1) / 2;  // a constant ROI sits in the middle bin
        if (hi > lo) {
          level = static_cast<int>(std::floor(n * (roi.intensity[i] - lo) / (hi - lo))) + 1;
          level = std::clamp(level, 1, n);
        }
        out.level[i] = level;
      }
      levelCount = n;
      break;
    }
    case DiscretisationMethod::FixedBinSize: {
      const double w = settings.binWidth;
      const double anchor = roi.rangeLower.value_or(lo);
      const double top = std::floor((hi - anchor) / w) + 1;
      if (!(w > 0) || top > maxLevels) {
        throw Error(ErrorCode::InvalidConfiguration,
                    "fixed bin size " + NumberText::significant(w) + " gives " +
                        NumberText::significant(top) + " grey levels (at most " +
                        std::to_string(maxLevels) + " allowed)");
      }
      int maxLevel = 1;
      for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
        if (!roi.intensityMask[i]) continue;
        const int level =
            std::max(1, static_cast<int>(std::floor((roi.intensity[i] - anchor) / w)) + 1);
        out.level[i] = level;
        maxLevel = std::max(maxLevel, level);
      }
      levelCount = maxLevel;
      break;
    }
  }
  out.levelCount = static_cast<int>(levelCount);
  return out;
}

}  // namespace medsight

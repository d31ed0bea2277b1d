#include "preprocess/DatasetPlanner.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/Error.h"

namespace medsight {
namespace {

double percentileOf(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double rank = p / 100.0 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (rank - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Largest multiple of `m` <= v (at least m).
int floorTo(double v, int m) {
  return std::max(m, static_cast<int>(std::floor(v / m)) * m);
}
int ceilTo(double v, int m) {
  return std::max(m, static_cast<int>(std::ceil(v / m)) * m);
}

}  // namespace

void PlanningOptions::validate() const {
  if (poolings < 0 || poolings > 6) {
    throw Error(ErrorCode::InvalidArgument,
                "plan: poolings (--poolings) must be 0..6, got " + std::to_string(poolings));
  }
  const int div = 1 << poolings;
  // Patch extents are multiples of 2^poolings, so the smallest patch is div on every axis; a
  // budget below that cannot be met (the planner's shrink loops would never end).
  const auto minPixels = static_cast<std::size_t>(div) * div;
  if (maxPatchPixels2d < minPixels) {
    throw Error(ErrorCode::InvalidArgument,
                "plan: a 2D patch budget (--max-patch-pixels) of " +
                    std::to_string(maxPatchPixels2d) +
                    " pixels is below the smallest patch a U-Net with " + std::to_string(poolings) +
                    " poolings takes (" + std::to_string(div) + " x " + std::to_string(div) +
                    " = " + std::to_string(minPixels) + ")");
  }
  if (maxPatchVoxels3d < minPixels * div) {
    throw Error(ErrorCode::InvalidArgument,
                "plan: a 3D patch budget (--max-patch-voxels) of " +
                    std::to_string(maxPatchVoxels3d) +
                    " voxels is below the smallest patch a U-Net with " + std::to_string(poolings) +
                    " poolings takes (" + std::to_string(div) +
                    "^3 = " + std::to_string(minPixels * div) + ")");
  }
  if (!(inPlaneSpacing >= 0) || !std::isfinite(inPlaneSpacing)) {
    throw Error(ErrorCode::InvalidArgument,
                "plan: the in-plane spacing (--in-plane-spacing) must be a finite number of mm >= "
                "0 (0 = the median), got " +
                    std::to_string(inPlaneSpacing));
  }
}

nlohmann::json DatasetPlanner::plan(const DatasetFingerprint& fp, const PlanningOptions& o) {
  if (fp.cases.empty()) throw Error(ErrorCode::EmptyInput, "plan: no cases in the fingerprint");
  std::array<double, 3> target{};
  for (int a = 0; a < 3; ++a) target[a] = fp.medianSpacing(a);
  const int coarse =
      static_cast<int>(std::max_element(target.begin(), target.end()) - target.begin());
  const double finest = *std::min_element(target.begin(), target.end());
  bool anisotropic = false;
  if (target[coarse] > 3.0 * finest) {
    std::vector<double> s;
    for (const auto& c : fp.cases) s.push_back(c.spacing[coarse]);
    target[coarse] = percentileOf(s, 10);
    anisotropic = true;
  }
  if (o.inPlaneSpacing > 0) {
    for (int a = 0; a < 3; ++a) {
      if (!anisotropic || a != coarse) target[a] = std::max(target[a], o.inPlaneSpacing);
    }
  }

  std::array<double, 3> shape{};
  for (int a = 0; a < 3; ++a) {
    std::vector<double> e;
    for (const auto& c : fp.cases) e.push_back(c.size[a] * c.spacing[a] / target[a]);
    shape[a] = percentileOf(e, 50);
  }
  o.validate();
  const int div = 1 << o.poolings;

  // 3D patch: start at the median shape (rounded up), shrink the axis longest in mm until the
  // budget holds (nnU-Net shrinks the axis with the largest physical extent first).
  std::array<int, 3> patch3{ceilTo(shape[0], div), ceilTo(shape[1], div), ceilTo(shape[2], div)};
  auto voxels = [](const std::array<int, 3>& p) {
    return static_cast<std::size_t>(p[0]) * p[1] * p[2];
  };
  while (voxels(patch3) > o.maxPatchVoxels3d) {
    int axis = 0;
    double longest = -1;
    for (int a = 0; a < 3; ++a) {
      const double mm = patch3[a] * target[a];
      if (patch3[a] > div && mm > longest) longest = mm, axis = a;
    }
    if (longest < 0) break;
    patch3[axis] -= div;
  }
  // 2D patch: median in-plane shape within the pixel budget.
  std::array<int, 3> patch2{ceilTo(shape[0], div), ceilTo(shape[1], div), 1};
  while (static_cast<std::size_t>(patch2[0]) * patch2[1] > o.maxPatchPixels2d) {
    const int a = patch2[0] >= patch2[1] ? 0 : 1;
    patch2[a] = floorTo(patch2[a] - div, div);
  }
  // A square 2D patch lets training rotate by 90 degrees.
  patch2[0] = patch2[1] = std::max(patch2[0], patch2[1]);
  while (static_cast<std::size_t>(patch2[0]) * patch2[1] > o.maxPatchPixels2d) {
    patch2[0] = patch2[1] = floorTo(patch2[0] - div, div);
  }

  nlohmann::json normalisation;
  if (o.modality == "CT") {
    const double lo = fp.foregroundP005, hi = fp.foregroundP995;
    normalisation = {{"step", "ct_window"},
                     {"center", (lo + hi) / 2},
                     {"width", std::max(1.0, hi - lo)},
                     {"rescale", true}};
  } else {
    normalisation = {
        {"step", "zscore"}, {"region", "image"}, {"clip_low", 0.5}, {"clip_high", 99.5}};
  }
  double meanFraction = 0.0;
  for (const auto& c : fp.cases) meanFraction += c.foregroundFraction;
  meanFraction /= static_cast<double>(fp.cases.size());

  return {{"format", "medsight-plan/1"},
          {"cases", fp.cases.size()},
          {"modality", o.modality},
          {"target_spacing_mm", target},
          {"anisotropic", anisotropic},
          {"median_shape_after_resampling",
           {std::round(shape[0]), std::round(shape[1]), std::round(shape[2])}},
          {"patch_size_3d", patch3},
          {"patch_size", patch2},
          {"network", {{"depth", o.poolings + 1}}},
          {"class_balance", {{"mean_foreground_fraction", meanFraction}}},
          {"preprocessing",
           {{"format", "medsight-preprocess/1"},
            {"steps",
             {{{"step", "resample"}, {"spacing", target}, {"interpolation", "bspline"}},
              normalisation}}}},
          {"fingerprint", fp.toJson()}};
}

}  // namespace medsight

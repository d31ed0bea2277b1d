#include "explain/OcclusionExplainer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

/// Patch start positions along one axis that cover every pixel (the last patch is flush with
/// the border).
std::vector<int64_t> starts(int64_t size, int64_t patch, int64_t stride) {
  std::vector<int64_t> s;
  for (int64_t p = 0; p + patch < size; p += stride) s.push_back(p);
  s.push_back(std::max<int64_t>(0, size - patch));
  return s;
}

}  // namespace

torch::Tensor OcclusionExplainer::attribute(const ClassifierEnsemble& ensemble,
                                            const torch::Tensor& unit, const torch::Tensor& sign,
                                            int patch, int stride, double baseline) {
  const int64_t n = unit.size(0), h = unit.size(2), w = unit.size(3);
  if (patch <= 0) patch = static_cast<int>(std::max<int64_t>(2, std::lround(std::min(h, w) / 6.0)));
  if (stride <= 0) stride = std::max(1, patch / 2);
  if (patch > std::min(h, w)) {
    throw Error(ErrorCode::InvalidArgument, "occlusion patch " + std::to_string(patch) +
                                                " exceeds the " + std::to_string(w) + "x" +
                                                std::to_string(h) + " network input");
  }
  torch::NoGradGuard noGrad;
  const auto ys = starts(h, patch, stride), xs = starts(w, patch, stride);
  const auto patches = static_cast<int64_t>(ys.size() * xs.size());
  torch::Tensor out = torch::zeros({n, h, w});
  torch::Tensor coverage = torch::zeros({h, w});
  for (int64_t py : ys) {
    for (int64_t px : xs) coverage.slice(0, py, py + patch).slice(1, px, px + patch) += 1;
  }
  for (int64_t i = 0; i < n; ++i) {
    const torch::Tensor x = unit[i];
    const double fill = baseline >= 0 ? baseline : x.mean().item<double>();
    const bool positive = sign[i].item<double>() > 0;
    auto targetProbability = [&](const torch::Tensor& batch) {
      const torch::Tensor p = ensemble.probabilities(batch);
      return positive ? p : 1.0 - p;
    };
    const double reference = targetProbability(x.unsqueeze(0))[0].item<double>();
    torch::Tensor occluded = x.unsqueeze(0).repeat({patches, 1, 1, 1});
    int64_t k = 0;
    for (int64_t py : ys) {
      for (int64_t px : xs) {
        occluded[k++].slice(1, py, py + patch).slice(2, px, px + patch).fill_(fill);
      }
    }
    const torch::Tensor drops = reference - targetProbability(occluded);
    torch::Tensor acc = torch::zeros({h, w});
    k = 0;
    for (int64_t py : ys) {
      for (int64_t px : xs) {
        acc.slice(0, py, py + patch).slice(1, px, px + patch) += drops[k++];
      }
    }
    out[i] = acc / coverage;
  }
  return out;
}

}  // namespace medsight

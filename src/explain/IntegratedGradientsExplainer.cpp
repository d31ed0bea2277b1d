#include "explain/IntegratedGradientsExplainer.h"

#include <cmath>

#include "core/Error.h"

namespace medsight {

torch::Tensor IntegratedGradientsExplainer::attribute(const ClassifierEnsemble& ensemble,
                                                      const torch::Tensor& unit,
                                                      const torch::Tensor& sign, int steps,
                                                      double baseline,
                                                      torch::Tensor* completeness) {
  if (steps < 1 || steps > 4096) {
    throw Error(ErrorCode::InvalidArgument,
                "integrated gradients: steps must be 1..4096, not " + std::to_string(steps));
  }
  const int64_t n = unit.size(0), h = unit.size(2), w = unit.size(3);
  torch::Tensor out = torch::zeros({n, h, w});
  torch::Tensor errors = torch::zeros({n});
  // Midpoints of `steps` equal sub-intervals of [0, 1].
  const torch::Tensor alphas =
      ((torch::arange(steps, torch::kFloat32) + 0.5) / steps).view({steps, 1, 1, 1});
  for (int64_t i = 0; i < n; ++i) {
    const torch::Tensor x = unit[i].unsqueeze(0);
    const torch::Tensor base = torch::full_like(x, baseline);
    const double s = sign[i].item<double>();
    torch::Tensor gradSum = torch::zeros_like(x);
    const int64_t chunk = 64;  // bounds memory for large inputs
    for (int64_t start = 0; start < steps; start += chunk) {
      torch::AutoGradMode enableGrad(true);
      const torch::Tensor a = alphas.slice(0, start, std::min<int64_t>(steps, start + chunk));
      torch::Tensor path = (base + a * (x - base)).detach().requires_grad_(true);
      const torch::Tensor score = (ensemble.logits(path) * s).sum();
      gradSum += torch::autograd::grad({score}, {path})[0].sum(0, true).detach();
    }
    const torch::Tensor attribution = ((x - base) * gradSum / steps).sum(1).squeeze(0);
    out[i] = attribution;
    if (completeness) {
      torch::NoGradGuard noGrad;
      const torch::Tensor ends = ensemble.logits(torch::cat({x, base})) * s;
      const double delta = (ends[0] - ends[1]).item<double>();
      const double total = attribution.sum().item<double>();
      errors[i] = std::abs(delta) > 1e-12 ? std::abs(total - delta) / std::abs(delta)
                                          : std::abs(total - delta);
    }
  }
  if (completeness) *completeness = errors;
  return out;
}

}  // namespace medsight

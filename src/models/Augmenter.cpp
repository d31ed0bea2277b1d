#include "models/Augmenter.h"

#include <torch/torch.h>

#include <cmath>

namespace medsight {

at::Tensor Augmenter::apply(const at::Tensor& batch, std::uint64_t seed) const {
  if (!spec_.enabled()) return batch;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const int64_t n = batch.size(0);
  auto uniform = [&](double lo, double hi) { return torch::empty({n}).uniform_(lo, hi, gen); };
  const double pi = 3.14159265358979323846;
  auto angle = uniform(-spec_.rotationDegrees, spec_.rotationDegrees) * (pi / 180.0);
  auto scale = uniform(spec_.scaleMin, spec_.scaleMax);
  auto tx = uniform(-spec_.translate, spec_.translate) * 2.0;  // grid coordinates span [-1, 1]
  auto ty = uniform(-spec_.translate, spec_.translate) * 2.0;
  auto flip = spec_.horizontalFlip
                  ? torch::where(uniform(0, 1) < 0.5, -torch::ones({n}), torch::ones({n}))
                  : torch::ones({n});
  // Output-to-input sampling matrix: rotation and inverse scale, with the flip on x.
  auto cosA = torch::cos(angle) / scale, sinA = torch::sin(angle) / scale;
  auto theta = torch::stack(
      {torch::stack({cosA * flip, -sinA, tx}, 1), torch::stack({sinA * flip, cosA, ty}, 1)}, 1);
  auto grid = torch::nn::functional::affine_grid(theta, batch.sizes().vec(), false);
  auto out = torch::nn::functional::grid_sample(batch, grid,
                                                torch::nn::functional::GridSampleFuncOptions()
                                                    .mode(torch::kBilinear)
                                                    .padding_mode(torch::kZeros)
                                                    .align_corners(false));
  auto view = [&](const torch::Tensor& v) { return v.view({n, 1, 1, 1}); };
  if (spec_.contrast > 0) {
    auto mean = out.mean({1, 2, 3}, true);
    out = (out - mean) * view(uniform(1 - spec_.contrast, 1 + spec_.contrast)) + mean;
  }
  if (spec_.brightness > 0) out = out + view(uniform(-spec_.brightness, spec_.brightness));
  out = out.clamp(0.0, 1.0);
  if (spec_.gamma > 0) out = out.pow(view(torch::exp(uniform(-spec_.gamma, spec_.gamma))));
  if (spec_.noiseStd > 0) {
    out = (out + torch::empty_like(out).normal_(0.0, spec_.noiseStd, gen)).clamp(0.0, 1.0);
  }
  return out;
}

at::Tensor Augmenter::testTimeView(const at::Tensor& batch, int view, bool allowFlip) {
  // Views: identity, then one-pixel-ish shifts in four directions (2 % of the size), then a
  // flip if anatomy allows.
  if (view == 0) return batch;
  if (view == 5 && allowFlip) return batch.flip({3});
  const int64_t dy = view == 1 ? 1 : view == 2 ? -1 : 0;
  const int64_t dx = view == 3 ? 1 : view == 4 ? -1 : 0;
  const int64_t sy = std::max<int64_t>(1, batch.size(2) / 28) * dy;
  const int64_t sx = std::max<int64_t>(1, batch.size(3) / 28) * dx;
  return torch::roll(batch, {sy, sx}, {2, 3});
}

}  // namespace medsight

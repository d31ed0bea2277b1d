#include "explain/DeletionInsertionCurve.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"

namespace medsight {
namespace {

/// Separable Gaussian blur of [1, C, H, W] with reflection at the border.
torch::Tensor gaussianBlur(const torch::Tensor& x, double sigma) {
  const int64_t radius = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(3 * sigma)));
  const torch::Tensor t = torch::arange(-radius, radius + 1, torch::kFloat32);
  torch::Tensor k = torch::exp(-(t * t) / (2 * sigma * sigma));
  k = k / k.sum();
  const int64_t c = x.size(1);
  const auto pad = [&](const torch::Tensor& v, std::vector<int64_t> p) {
    return torch::nn::functional::pad(
        v, torch::nn::functional::PadFuncOptions(p).mode(torch::kReplicate));
  };
  const auto groups = torch::nn::functional::Conv2dFuncOptions().groups(c);
  torch::Tensor y = pad(x, {radius, radius, 0, 0});
  y = torch::nn::functional::conv2d(y, k.view({1, 1, 1, -1}).repeat({c, 1, 1, 1}), groups);
  y = pad(y, {0, 0, radius, radius});
  y = torch::nn::functional::conv2d(y, k.view({1, 1, -1, 1}).repeat({c, 1, 1, 1}), groups);
  return y;
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  double a = 0.0;
  for (std::size_t i = 1; i < x.size(); ++i) a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  return a;
}

DeletionInsertionCurve curvesForOrder(const ClassifierEnsemble& ensemble, const torch::Tensor& unit,
                                      const torch::Tensor& order, int targetIndex, int steps,
                                      double blurSigma) {
  if (unit.dim() != 4 || unit.size(0) != 1) {
    throw Error(ErrorCode::InvalidArgument, "deletion/insertion: one image [1, C, H, W] expected");
  }
  if (steps < 2) throw Error(ErrorCode::InvalidArgument, "deletion/insertion: steps must be >= 2");
  torch::NoGradGuard noGrad;
  const int64_t c = unit.size(1), h = unit.size(2), w = unit.size(3), pixels = h * w;
  const double sigma = blurSigma > 0 ? blurSigma : std::min(h, w) / 6.0;
  const torch::Tensor original = unit.reshape({c, pixels});
  const torch::Tensor blurred = gaussianBlur(unit, sigma).reshape({c, pixels});
  const torch::Tensor black = torch::zeros_like(original);
  DeletionInsertionCurve curve;
  std::vector<torch::Tensor> deleted, inserted;
  for (int s = 0; s <= steps; ++s) {
    const auto count = static_cast<int64_t>(std::llround(static_cast<double>(s) * pixels / steps));
    curve.fractions.push_back(static_cast<double>(count) / static_cast<double>(pixels));
    const torch::Tensor chosen = order.slice(0, 0, count);
    torch::Tensor d = original.clone();
    torch::Tensor in = blurred.clone();
    if (count > 0) {
      d.index_put_({torch::indexing::Slice(), chosen},
                   black.index({torch::indexing::Slice(), chosen}));
      in.index_put_({torch::indexing::Slice(), chosen},
                    original.index({torch::indexing::Slice(), chosen}));
    }
    deleted.push_back(d.view({c, h, w}));
    inserted.push_back(in.view({c, h, w}));
  }
  auto target = [&](const std::vector<torch::Tensor>& batch) {
    const torch::Tensor p = ensemble.probabilities(torch::stack(batch));
    const torch::Tensor t = targetIndex == 1 ? p : 1.0 - p;
    return std::vector<double>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  };
  curve.deletion = target(deleted);
  curve.insertion = target(inserted);
  curve.deletionAuc = trapezoid(curve.fractions, curve.deletion);
  curve.insertionAuc = trapezoid(curve.fractions, curve.insertion);
  return curve;
}

}  // namespace

DeletionInsertionCurve DeletionInsertionCurve::compute(const ClassifierEnsemble& ensemble,
                                                       const torch::Tensor& unit,
                                                       const torch::Tensor& map, int targetIndex,
                                                       int steps, std::uint64_t seed,
                                                       double blurSigma) {
  const int64_t pixels = unit.size(2) * unit.size(3);
  if (map.numel() != pixels) {
    throw Error(ErrorCode::GeometryMismatch, "deletion/insertion: map and image sizes differ");
  }
  // Random permutation first, then a stable sort by saliency: equal values end up in random
  // order (Grad-CAM maps have large flat zero areas after the ReLU).
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor perm = torch::randperm(pixels, gen, torch::kLong);
  const torch::Tensor values = map.reshape({pixels}).to(torch::kFloat32).index({perm});
  const torch::Tensor sorted = std::get<1>(values.sort(true, 0, true));
  return curvesForOrder(ensemble, unit, perm.index({sorted}), targetIndex, steps, blurSigma);
}

DeletionInsertionCurve DeletionInsertionCurve::random(const ClassifierEnsemble& ensemble,
                                                      const torch::Tensor& unit, int targetIndex,
                                                      int steps, std::uint64_t seed,
                                                      double blurSigma) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const int64_t pixels = unit.size(2) * unit.size(3);
  return curvesForOrder(ensemble, unit, torch::randperm(pixels, gen, torch::kLong), targetIndex,
                        steps, blurSigma);
}

}  // namespace medsight

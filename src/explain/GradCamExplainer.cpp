#include "explain/GradCamExplainer.h"

#include "core/Error.h"

namespace medsight {

torch::Tensor GradCamExplainer::attribute(const ClassifierEnsemble& ensemble,
                                          const torch::Tensor& unit, const torch::Tensor& sign,
                                          const std::string& layer) {
  const std::string available = ensemble.featureLayerName();
  if (layer != available) {
    throw Error(ErrorCode::InvalidArgument, "Grad-CAM layer '" + layer +
                                                "' is not available: this network exposes '" +
                                                available + "' (the end of its feature trunk)");
  }
  torch::AutoGradMode enableGrad(true);
  const torch::Tensor x = ensemble.preprocessor().normalize(unit).detach();
  const auto h = unit.size(2), w = unit.size(3);
  torch::Tensor sum;
  for (const auto& net : ensemble.networks()) {
    // The gradient is needed only with respect to the feature map: run the trunk without
    // autograd and differentiate the head from a fresh leaf.
    torch::Tensor features;
    {
      torch::NoGradGuard noGrad;
      features = net->features(x);
    }
    features = features.detach().requires_grad_(true);
    // Samples are independent in eval mode, so one backward pass of the sum gives each
    // sample's own gradient.
    const torch::Tensor score = (net->head(features).view({-1}) * sign).sum();
    const torch::Tensor grad = torch::autograd::grad({score}, {features})[0];
    const torch::Tensor weights = grad.mean({2, 3}, true);  // alpha_k^c (Eq. 1)
    torch::Tensor cam = torch::relu((weights * features).sum(1, true)).detach();  // Eq. 2
    cam = torch::nn::functional::interpolate(cam, torch::nn::functional::InterpolateFuncOptions()
                                                      .size(std::vector<int64_t>{h, w})
                                                      .mode(torch::kBilinear)
                                                      .align_corners(false));
    sum = sum.defined() ? sum + cam : cam;
  }
  return (sum / static_cast<double>(ensemble.networks().size())).squeeze(1);
}

}  // namespace medsight

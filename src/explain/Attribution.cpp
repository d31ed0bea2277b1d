#include "explain/Attribution.h"

#include <limits>

#include "explain/GradCamExplainer.h"
#include "explain/IntegratedGradientsExplainer.h"
#include "explain/OcclusionExplainer.h"

namespace medsight {

torch::Tensor computeAttribution(const ClassifierEnsemble& ensemble, const torch::Tensor& unit,
                                 const torch::Tensor& sign, const ExplanationOptions& options,
                                 const std::string& layer, torch::Tensor* completeness) {
  if (completeness) {
    *completeness = torch::full({unit.size(0)}, std::numeric_limits<float>::quiet_NaN());
  }
  switch (options.method) {
    case ExplanationMethod::GradCam:
      return GradCamExplainer::attribute(ensemble, unit, sign, layer);
    case ExplanationMethod::Occlusion:
      return OcclusionExplainer::attribute(ensemble, unit, sign, options.occlusionPatch,
                                           options.occlusionStride, options.occlusionBaseline);
    case ExplanationMethod::IntegratedGradients:
      return IntegratedGradientsExplainer::attribute(
          ensemble, unit, sign, options.integratedGradientSteps, options.integratedGradientBaseline,
          completeness);
  }
  return {};
}

}  // namespace medsight

#include "explain/Explanation.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace medsight {

std::string explanationMethodName(ExplanationMethod method) {
  switch (method) {
    case ExplanationMethod::GradCam:
      return "gradcam";
    case ExplanationMethod::Occlusion:
      return "occlusion";
    case ExplanationMethod::IntegratedGradients:
      return "ig";
  }
  return "unknown";
}

ExplanationMethod parseExplanationMethod(const std::string& name) {
  if (name == "gradcam" || name == "grad-cam") return ExplanationMethod::GradCam;
  if (name == "occlusion") return ExplanationMethod::Occlusion;
  if (name == "ig" || name == "integrated-gradients") return ExplanationMethod::IntegratedGradients;
  throw Error(ErrorCode::InvalidArgument,
              "explanation method '" + name + "': use gradcam, occlusion or ig");
}

nlohmann::json Explanation::toJson() const {
  nlohmann::json j{{"method", explanationMethodName(method)},
                   {"target_label", targetLabel},
                   {"target_probability", targetProbability},
                   {"map_size", {mapWidth, mapHeight}},
                   {"heatmap_scale", scale},
                   {"seconds", seconds}};
  if (!predictedLabel.empty()) {
    j["predicted_label"] = predictedLabel;
    j["positive_probability"] = positiveProbability;
  }
  if (!layer.empty()) j["layer"] = layer;
  if (method == ExplanationMethod::IntegratedGradients && std::isfinite(completenessError)) {
    j["completeness_error"] = completenessError;
  }
  if (!heatmap.empty()) {
    j["heatmap_size"] = {heatmap.size().x, heatmap.size().y};
    j["heatmap_spacing"] = {heatmap.geometry().spacing[0], heatmap.geometry().spacing[1]};
  }
  return j;
}

}  // namespace medsight

#include "server/HeatmapRenderer.h"

#include "models/ImageClassifier.h"

#ifdef MEDSIGHT_WITH_EXPLAIN
#include "explain/HeatmapOverlay.h"
#include "explain/ImageExplainer.h"
#endif

namespace medsight {

bool HeatmapRenderer::available() {
#ifdef MEDSIGHT_WITH_EXPLAIN
  return true;
#else
  return false;
#endif
}

std::optional<Image> HeatmapRenderer::gradCamOverlay(const ImageClassifier& classifier,
                                                     const Image& image, std::string& description) {
#ifdef MEDSIGHT_WITH_EXPLAIN
  const ImageExplainer explainer(classifier);
  ExplanationOptions options;
  options.method = ExplanationMethod::GradCam;
  // Evidence for the positive label, whatever the prediction: the doctor sees where the
  // model looked when deciding how likely the finding is.
  options.target = classifier.manifest().labels.size() > 1 ? classifier.manifest().labels[1] : "";
  const Explanation explanation = explainer.explain(image, options);
  description = "Grad-CAM (" + explanation.layer + ") of " + classifier.manifest().name + " " +
                classifier.manifest().version + " for " + explanation.targetLabel;
  return HeatmapOverlay::render(image, explanation.heatmap);
#else
  (void)classifier;
  (void)image;
  description = "explanations not built in (src/explain absent)";
  return std::nullopt;
#endif
}

}  // namespace medsight

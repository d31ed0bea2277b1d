#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief The attribution methods MedSight offers.
enum class ExplanationMethod {
  GradCam,             ///< Selvaraju et al., ICCV 2017: class-weighted last feature map
  Occlusion,           ///< Zeiler & Fergus, ECCV 2014: drop in probability under a sliding patch
  IntegratedGradients  ///< Sundararajan et al., ICML 2017: path integral of input gradients
};

/// \brief "gradcam", "occlusion" or "ig".
std::string explanationMethodName(ExplanationMethod method);
/// \brief Parses "gradcam", "occlusion", "ig" (also "integrated-gradients"); throws
/// InvalidArgument naming the accepted values.
ExplanationMethod parseExplanationMethod(const std::string& name);

/// \brief What to explain and how.
struct ExplanationOptions {
  ExplanationMethod method = ExplanationMethod::GradCam;
  /// \brief Label whose evidence is shown: "" = the predicted label, else a label name of the
  /// model (e.g. "pneumonia").
  std::string target;
  /// \brief Grad-CAM layer: "" = the manifest's explain.gradcam_layer.
  std::string layer;
  /// \brief Occlusion patch side and stride in model-input pixels (0 = about 1/6 of the input
  /// side, stride half the patch).
  int occlusionPatch = 0;
  int occlusionStride = 0;
  /// \brief Occlusion patch value in [0, 1] intensity units; negative = the image's mean (grey).
  double occlusionBaseline = -1.0;
  /// \brief Integrated-gradients path steps (midpoint Riemann sum) and baseline value in
  /// [0, 1] intensity units (0 = black).
  int integratedGradientSteps = 64;
  double integratedGradientBaseline = 0.0;
};

/// \brief One explanation of one image.
struct Explanation {
  ExplanationMethod method = ExplanationMethod::GradCam;
  /// \brief Evidence for `targetLabel`, float32 in [0, 1] (divided by its maximum), on the input
  /// image's grid: same size, spacing, origin and direction.
  Image heatmap;
  /// \brief Raw signed attribution at the network's input resolution (row-major
  /// mapHeight x mapWidth): Grad-CAM values, probability drops or IG attributions.
  std::vector<float> modelMap;
  int mapHeight = 0;
  int mapWidth = 0;
  /// \brief The maximum the heatmap was divided by (0 when there is no positive evidence).
  double scale = 0.0;
  std::string targetLabel;
  int targetIndex = 1;
  /// \brief Calibrated probability of the target label from the explained networks (no
  /// test-time augmentation).
  double targetProbability = 0.0;
  /// \brief The model's calibrated probability of the positive label as `predict` reports it
  /// (with test-time augmentation when the model uses it); NaN when not computed.
  double positiveProbability = 0.0;
  /// \brief The label `predict` assigns ("" when not computed).
  std::string predictedLabel;
  /// \brief Grad-CAM layer used ("" for the other methods).
  std::string layer;
  /// \brief Integrated gradients: |sum of attributions - (F(x) - F(baseline))| relative to
  /// |F(x) - F(baseline)| (completeness axiom); NaN for the other methods.
  double completenessError = 0.0;
  double seconds = 0.0;

  /// \brief Description without pixels.
  nlohmann::json toJson() const;
};

}  // namespace medsight

#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "models/ClassifierNetwork.h"
#include "models/ImagePreprocessor.h"

namespace medsight {

class ImageClassifier;

/// \brief The networks of a binary model package as explanations see them: a differentiable
/// mean logit over ensemble members for [N, C, H, W] inputs in [0, 1] (before normalisation),
/// signed towards the explained label. Test-time augmentation is left out on purpose: its
/// shifted views would blur every pixel-level attribution.
class ClassifierEnsemble {
 public:
  /// \brief Wraps networks (in eval mode) and how inputs are prepared.
  ClassifierEnsemble(std::vector<std::shared_ptr<ClassifierNetworkImpl>> networks,
                     PreprocessingSpec preprocessing, double temperature);
  /// \brief The networks and settings of a loaded package.
  static ClassifierEnsemble fromClassifier(const ImageClassifier& classifier);

  /// \brief Mean logit over members for unit-range input [N, C, H, W] -> [N]; differentiable.
  torch::Tensor logits(const torch::Tensor& unit) const;
  /// \brief Calibrated probability of the positive label, [N], without gradients.
  torch::Tensor probabilities(const torch::Tensor& unit, std::int64_t batchSize = 256) const;
  /// \brief The members.
  const std::vector<std::shared_ptr<ClassifierNetworkImpl>>& networks() const { return networks_; }
  /// \brief Preprocessing (resize, intensity, normalisation).
  const ImagePreprocessor& preprocessor() const { return preprocessor_; }
  /// \brief Temperature dividing the logits (calibration).
  double temperature() const { return temperature_; }
  /// \brief Name of the layer the members' `features()` ends at (the Grad-CAM layer).
  std::string featureLayerName() const;

 private:
  std::vector<std::shared_ptr<ClassifierNetworkImpl>> networks_;
  ImagePreprocessor preprocessor_;
  double temperature_ = 1.0;
};

}  // namespace medsight

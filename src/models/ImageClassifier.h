#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/Image.h"
#include "models/ModelManifest.h"

namespace medsight {

class ClassifierNetworkImpl;

/// \brief One prediction of a binary image classifier.
struct ClassifierPrediction {
  double probability = 0.0;   ///< calibrated probability of the positive label
  double uncalibrated = 0.0;  ///< sigmoid of the ensemble-mean logit before temperature
  double logit = 0.0;         ///< ensemble-mean logit
  int label = 0;              ///< 1 if probability >= the manifest threshold
  std::string labelName;
};

/// \brief A loaded, verified model package ready for prediction: checks weight hashes, builds
/// each ensemble member, applies the recorded preprocessing, test-time augmentation and
/// temperature, and the input quality gate (accepted modalities, 2D only).
class ImageClassifier {
 public:
  /// \brief Loads `folder`; throws ModelInvalid or ModelTampered. `threads` sets LibTorch's
  /// intra-op threads (0 = all cores).
  static ImageClassifier load(const std::filesystem::path& folder, int threads = 0);
  ~ImageClassifier();
  ImageClassifier(ImageClassifier&&) noexcept;
  ImageClassifier& operator=(ImageClassifier&&) noexcept;

  /// \brief Predicts every image (batched). Throws WrongModality when an image fails the gate.
  std::vector<ClassifierPrediction> predict(const std::vector<Image>& images) const;
  /// \brief Throws WrongModality if the model does not accept this image (named `name`).
  void checkAccepts(const Image& image, const std::string& name) const;
  /// \brief The manifest.
  const ModelManifest& manifest() const { return manifest_; }
  /// \brief The package folder.
  const std::filesystem::path& folder() const { return folder_; }
  /// \brief Ensemble members (for explanations).
  const std::vector<std::shared_ptr<ClassifierNetworkImpl>>& networks() const { return networks_; }

 private:
  ImageClassifier() = default;
  ModelManifest manifest_;
  std::filesystem::path folder_;
  std::vector<std::shared_ptr<ClassifierNetworkImpl>> networks_;
};

}  // namespace medsight

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "explain/Explanation.h"

namespace medsight {

class ImageClassifier;
class ClassifierEnsemble;

/// \brief Explains a loaded model package's predictions: runs Grad-CAM, occlusion or
/// integrated gradients on the ensemble members and maps the result back onto the input
/// image's grid (undoing the preprocessing's resize or square padding), so the heatmap carries
/// the input's size, spacing, origin and direction.
class ImageExplainer {
 public:
  /// \brief Explains `classifier` (which must outlive the explainer). Throws ModelInvalid when
  /// the manifest names a Grad-CAM layer the networks do not have.
  explicit ImageExplainer(const ImageClassifier& classifier);
  ~ImageExplainer();
  ImageExplainer(const ImageExplainer&) = delete;
  ImageExplainer& operator=(const ImageExplainer&) = delete;

  /// \brief One image. The target label defaults to the label `predict` assigns. Throws
  /// WrongModality for inputs the model does not accept, InvalidArgument for an unknown target
  /// label or Grad-CAM layer.
  Explanation explain(const Image& image, const ExplanationOptions& options = {}) const;
  /// \brief Many images with given target label indices (0 or 1), in batches; `heatmaps`
  /// false skips the mapping back to each input grid (sanity checks need only model maps).
  std::vector<Explanation> explainBatch(const std::vector<Image>& images,
                                        const std::vector<int>& targets,
                                        const ExplanationOptions& options,
                                        bool heatmaps = true) const;
  /// \brief The Grad-CAM layer in use (from the manifest, else the networks' feature layer).
  std::string gradCamLayer() const { return layer_; }
  /// \brief The label index named `name`, or InvalidArgument listing the model's labels.
  int labelIndex(const std::string& name) const;

  /// \brief Resizes a model-resolution map back onto `image`'s grid, inverting the
  /// preprocessing resize (`resize` "stretch" or "pad_square"). Float32, input geometry.
  static Image mapToInputGrid(const std::vector<float>& map, int mapHeight, int mapWidth,
                              const Image& image, const std::string& resize);

 private:
  std::string resolveLayer(const std::string& requested) const;

  const ImageClassifier& classifier_;
  std::unique_ptr<ClassifierEnsemble> ensemble_;
  std::string layer_;
};

}  // namespace medsight

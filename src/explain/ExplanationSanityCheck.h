#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/Image.h"
#include "explain/Explanation.h"

namespace medsight {

class ImageClassifier;

/// \brief Similarity between the maps of the trained model and of a model whose top blocks
/// were re-initialised (one stage of the cascade).
struct RandomizationStage {
  std::string block;             ///< deepest block re-initialised at this stage
  std::size_t blocks = 0;        ///< blocks re-initialised so far (from the output)
  double spearman = 0.0;         ///< mean Spearman rank correlation with the trained maps
  double spearmanSd = 0.0;       ///< its standard deviation over images
  double spearmanAbs = 0.0;      ///< mean Spearman correlation of absolute values
  std::size_t constantMaps = 0;  ///< maps that became constant (correlation undefined; excluded)
};

/// \brief The sanity figures for one explanation method.
struct MethodSanity {
  ExplanationMethod method = ExplanationMethod::GradCam;
  std::vector<RandomizationStage> cascade;
  double deletionAuc = 0.0, deletionAucSd = 0.0;
  double deletionAucRandom = 0.0;
  double insertionAuc = 0.0, insertionAucSd = 0.0;
  double insertionAucRandom = 0.0;
  /// \brief Images whose deletion AUC beats (is below) the random order's; same for insertion.
  std::size_t deletionWins = 0, insertionWins = 0;
  double secondsPerImage = 0.0;
  double meanCompletenessError = 0.0;  ///< integrated gradients only (NaN otherwise)
};

/// \brief What to check and how much.
struct SanityCheckOptions {
  std::vector<ExplanationMethod> methods{ExplanationMethod::GradCam, ExplanationMethod::Occlusion,
                                         ExplanationMethod::IntegratedGradients};
  ExplanationOptions explanation;  ///< method-specific settings (method is overridden)
  int curveSteps = 50;
  int randomOrders = 3;  ///< random pixel orders averaged for the baseline curves
  std::uint64_t seed = 7;
  /// \brief Cascade stages to evaluate (0 = every block down to the input).
  std::size_t maxStages = 0;
  /// \brief Evaluate only the first stage (top block) and the fully randomised network.
  bool firstAndLastOnly = false;
};

/// \brief Results for one model on a set of images.
struct SanityCheckReport {
  std::string model;
  std::size_t images = 0;
  std::vector<MethodSanity> methods;
  /// \brief All figures as JSON.
  nlohmann::json toJson() const;
  /// \brief A plain-text table for terminals and benchmark logs.
  std::string toText() const;
};

/// \brief Checks that explanations depend on what the model learned and point at what drives
/// its output: cascading model-parameter randomisation with rank correlations (Adebayo et al.,
/// NeurIPS 2018) and deletion/insertion curves against random pixel orders (Petsiuk et al.,
/// BMVC 2018). Each image is explained for the label the model predicts.
class ExplanationSanityCheck {
 public:
  /// \brief Runs the checks on `images`; throws EmptyInput for no images.
  static SanityCheckReport run(const ImageClassifier& classifier, const std::vector<Image>& images,
                               const SanityCheckOptions& options = {});
};

}  // namespace medsight

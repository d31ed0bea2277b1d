#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "explain/ClassifierEnsemble.h"

namespace medsight {

/// \brief Deletion and insertion curves of one saliency map (Petsiuk et al., "RISE", BMVC 2018):
/// pixels are removed (set to black) or inserted (into a blurred copy) in order of decreasing
/// saliency and the target label's probability is tracked. A faithful map makes the
/// probability fall fast under deletion (small area) and rise fast under insertion (large area).
struct DeletionInsertionCurve {
  std::vector<double> fractions;  ///< fraction of pixels changed, 0 .. 1
  std::vector<double> deletion;   ///< target probability after deleting that fraction
  std::vector<double> insertion;  ///< target probability after inserting that fraction
  double deletionAuc = 0.0;       ///< trapezoidal area under deletion (lower is better)
  double insertionAuc = 0.0;      ///< area under insertion (higher is better)

  /// \brief Curves for unit-range input [1, C, H, W] and a map [H, W] (higher = more salient;
  /// ties are broken randomly with `seed`). `steps` points after the start; `blurSigma` of the
  /// insertion start image in pixels (0 = a sixth of the side).
  static DeletionInsertionCurve compute(const ClassifierEnsemble& ensemble,
                                        const torch::Tensor& unit, const torch::Tensor& map,
                                        int targetIndex, int steps, std::uint64_t seed,
                                        double blurSigma = 0.0);
  /// \brief The same curves for a random pixel order (the baseline a map must beat).
  static DeletionInsertionCurve random(const ClassifierEnsemble& ensemble,
                                       const torch::Tensor& unit, int targetIndex, int steps,
                                       std::uint64_t seed, double blurSigma = 0.0);
};

}  // namespace medsight

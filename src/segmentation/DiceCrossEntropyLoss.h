#pragma once

// LibTorch: include only from segmentation .cpp files that already use LibTorch.
#include <torch/torch.h>

namespace medsight {

/// \brief The nnU-Net segmentation loss: cross-entropy plus soft Dice (Milletari et al., V-Net
/// 2016) of the foreground classes, computed over the whole batch ("batch Dice") so patches
/// without tumour do not produce a degenerate per-patch Dice.
class DiceCrossEntropyLoss {
 public:
  /// \brief `diceWeight` scales the Dice term (1 = equal weight).
  explicit DiceCrossEntropyLoss(double diceWeight = 1.0, double smooth = 1e-5);
  /// \brief Loss for logits [N, K, ...] and class indices [N, ...] (int64).
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& target) const;
  /// \brief Soft Dice of the foreground classes (for logging), in [0, 1].
  static torch::Tensor softDice(const torch::Tensor& probabilities, const torch::Tensor& target,
                                double smooth);

 private:
  double diceWeight_;
  double smooth_;
};

}  // namespace medsight

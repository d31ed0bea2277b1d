#include "segmentation/DiceCrossEntropyLoss.h"

#include "core/Error.h"

namespace medsight {

DiceCrossEntropyLoss::DiceCrossEntropyLoss(double diceWeight, double smooth)
    : diceWeight_(diceWeight), smooth_(smooth) {}

torch::Tensor DiceCrossEntropyLoss::softDice(const torch::Tensor& probabilities,
                                             const torch::Tensor& target, double smooth) {
  const int64_t k = probabilities.size(1);
  const torch::Tensor onehot = torch::one_hot(target, k).movedim(-1, 1).to(probabilities.dtype());
  std::vector<int64_t> reduce{0};
  for (int64_t d = 2; d < probabilities.dim(); ++d) reduce.push_back(d);
  const auto fg = probabilities.narrow(1, 1, k - 1);
  const auto tf = onehot.narrow(1, 1, k - 1);
  const auto intersection = (fg * tf).sum(reduce);
  const auto denominator = fg.sum(reduce) + tf.sum(reduce);
  return ((2.0 * intersection + smooth) / (denominator + smooth)).mean();
}

torch::Tensor DiceCrossEntropyLoss::operator()(const torch::Tensor& logits,
                                               const torch::Tensor& target) const {
  if (logits.dim() != target.dim() + 1 || logits.size(0) != target.size(0)) {
    throw Error(ErrorCode::Internal, "Dice+CE loss: logits and target shapes disagree");
  }
  const auto ce = torch::nn::functional::cross_entropy(logits, target);
  const auto dice = softDice(torch::softmax(logits, 1), target, smooth_);
  return ce + diceWeight_ * (1.0 - dice);
}

}  // namespace medsight

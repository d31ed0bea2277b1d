#include "models/EnsembleInference.h"

#include "models/Augmenter.h"

namespace medsight {

torch::Tensor ensembleLogits(const std::vector<std::shared_ptr<ClassifierNetworkImpl>>& networks,
                             const torch::Tensor& unit, const ImagePreprocessor& preprocessor,
                             bool testTimeAugmentation, bool allowFlip, std::int64_t batchSize) {
  torch::NoGradGuard noGrad;
  const int views = testTimeAugmentation ? Augmenter::testTimeViewCount(allowFlip) : 1;
  torch::Tensor sum = torch::zeros({unit.size(0)});
  for (std::int64_t start = 0; start < unit.size(0); start += batchSize) {
    const auto chunk = unit.slice(0, start, std::min(unit.size(0), start + batchSize));
    torch::Tensor partial = torch::zeros({chunk.size(0)});
    for (const auto& net : networks) {
      for (int v = 0; v < views; ++v) {
        partial +=
            net->forward(preprocessor.normalize(Augmenter::testTimeView(chunk, v, allowFlip)))
                .view({-1});
      }
    }
    sum.slice(0, start, start + chunk.size(0)).copy_(partial);
  }
  return sum / static_cast<double>(networks.size() * static_cast<std::size_t>(views));
}

}  // namespace medsight

#pragma once

// Internal to src/models and src/explain (LibTorch).
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "models/ClassifierNetwork.h"
#include "models/ImagePreprocessor.h"

namespace medsight {

/// \brief Mean logit over networks and test-time views for a [N, C, H, W] batch in [0, 1];
/// evaluated in batches of `batchSize` without gradients. Networks must be in eval mode.
torch::Tensor ensembleLogits(const std::vector<std::shared_ptr<ClassifierNetworkImpl>>& networks,
                             const torch::Tensor& unit, const ImagePreprocessor& preprocessor,
                             bool testTimeAugmentation, bool allowFlip,
                             std::int64_t batchSize = 256);

}  // namespace medsight

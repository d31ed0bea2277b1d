#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "segmentation/SegmentationCase.h"
#include "segmentation/SegmentationTrainingConfig.h"

namespace medsight {

/// \brief Trains one U-Net on preprocessed cases: tumour-over-sampling patches with
/// augmentation, Dice + cross-entropy loss, AdamW with linear warm-up and cosine decay, a fixed
/// number of iterations (no early stopping: held-out patients are never looked at while
/// training, so cross-validated metrics stay unbiased). Resumable from periodic checkpoints.
class SegmentationTrainer {
 public:
  /// \brief `threads` = LibTorch intra-op threads (0 = all cores).
  SegmentationTrainer(SegmentationTrainingConfig config, int threads);
  /// \brief Trains on `cases` and writes the weights to `weights` (atomically); returns the
  /// training log (loss and soft Dice every 50 iterations or tenth of the run, seconds). A
  /// checkpoint beside the weights lets an interrupted run continue where it stopped.
  nlohmann::json train(const std::vector<const SegmentationCase*>& cases,
                       const std::filesystem::path& weights, std::uint64_t seed,
                       const std::string& label) const;

 private:
  SegmentationTrainingConfig config_;
  int threads_;
};

}  // namespace medsight

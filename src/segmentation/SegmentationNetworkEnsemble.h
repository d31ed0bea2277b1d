#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "core/Image.h"
#include "models/UNetSpec.h"
#include "segmentation/SlidingWindowSettings.h"

namespace medsight {

/// \brief One or more trained U-Nets (e.g. the models of the cross-validation folds) whose
/// foreground probabilities are averaged. Keeps LibTorch out of its header.
class SegmentationNetworkEnsemble {
 public:
  /// \brief Loads every weights file into a network of `spec`; throws ModelInvalid when a file
  /// does not fit the spec. `threads` = LibTorch intra-op threads (0 = all cores).
  SegmentationNetworkEnsemble(const UNetSpec& spec,
                              const std::vector<std::filesystem::path>& weights, int threads);
  ~SegmentationNetworkEnsemble();
  SegmentationNetworkEnsemble(SegmentationNetworkEnsemble&&) noexcept;
  SegmentationNetworkEnsemble& operator=(SegmentationNetworkEnsemble&&) noexcept;

  /// \brief Mean foreground probability over the members for every voxel of a preprocessed
  /// Float32 volume (same grid), by sliding-window inference.
  Image probability(const Image& preprocessed, const SlidingWindowSettings& settings) const;
  /// \brief The same for a stack of co-registered preprocessed images (main image first, then
  /// the auxiliary channels the networks were trained with).
  Image probability(const std::vector<const Image*>& stack,
                    const SlidingWindowSettings& settings) const;
  /// \brief Number of member networks.
  std::size_t size() const;
  /// \brief Trainable parameters of one member.
  std::int64_t parametersPerMember() const;

 private:
  struct Networks;
  std::unique_ptr<Networks> networks_;
};

}  // namespace medsight

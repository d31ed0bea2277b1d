#pragma once

// LibTorch: include only from src/explain .cpp files (and explain tests).
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/ArchitectureSpec.h"
#include "models/ClassifierNetwork.h"

namespace medsight {

/// \brief Cascading model-parameter randomisation (Adebayo et al., "Sanity Checks for Saliency
/// Maps", NeurIPS 2018, Sec. 3.1): re-initialises a trained network's blocks from the output
/// back towards the input. An explanation that still looks the same after the weights are
/// random does not describe what the model learned.
class ModelRandomizer {
 public:
  /// \brief Blocks with parameters, output first (e.g. "fc", "layer4.1", "layer4.0", ...,
  /// "stem.0"). Top-level sequential containers are split into their children.
  static std::vector<std::string> cascadeStages(const ClassifierNetworkImpl& network);
  /// \brief A copy of `trained` (built from `spec`) whose first `stages` blocks of
  /// cascadeStages() are re-initialised with their layers' default initialisers (convolutions
  /// and linear layers: Kaiming uniform; batch norm: unit scale, zero shift and reset running
  /// statistics), seeded with `seed`. In eval mode.
  static std::shared_ptr<ClassifierNetworkImpl> randomizedCopy(const ArchitectureSpec& spec,
                                                               ClassifierNetworkImpl& trained,
                                                               std::size_t stages,
                                                               std::uint64_t seed);
};

}  // namespace medsight

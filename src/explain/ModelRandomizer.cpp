#include "explain/ModelRandomizer.h"

#include <sstream>

#include "core/Error.h"

namespace medsight {
namespace {

bool hasParameters(const torch::nn::Module& m) {
  return !m.parameters(true).empty();
}

/// (name, module) blocks in forward order.
std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> blocks(
    const ClassifierNetworkImpl& network) {
  std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> out;
  for (const auto& child : network.named_children()) {
    const auto& module = child.value();
    if (!hasParameters(*module)) continue;
    if (module->as<torch::nn::Sequential>() != nullptr) {
      for (const auto& grandchild : module->named_children()) {
        if (hasParameters(*grandchild.value())) {
          out.emplace_back(child.key() + "." + grandchild.key(), grandchild.value());
        }
      }
    } else {
      out.emplace_back(child.key(), module);
    }
  }
  return out;
}

void reinitialise(torch::nn::Module& block) {
  auto reset = [](torch::nn::Module& m) {
    if (auto* conv = m.as<torch::nn::Conv2d>()) conv->reset_parameters();
    if (auto* linear = m.as<torch::nn::Linear>()) linear->reset_parameters();
    if (auto* bn = m.as<torch::nn::BatchNorm2d>()) bn->reset_parameters();
  };
  reset(block);
  for (const auto& m : block.modules(false)) reset(*m);
}

}  // namespace

std::vector<std::string> ModelRandomizer::cascadeStages(const ClassifierNetworkImpl& network) {
  std::vector<std::string> names;
  const auto b = blocks(network);
  for (auto it = b.rbegin(); it != b.rend(); ++it) names.push_back(it->first);
  return names;
}

std::shared_ptr<ClassifierNetworkImpl> ModelRandomizer::randomizedCopy(
    const ArchitectureSpec& spec, ClassifierNetworkImpl& trained, std::size_t stages,
    std::uint64_t seed) {
  auto copy = createClassifierNetwork(spec);
  {
    torch::NoGradGuard noGrad;
    const auto source = trained.named_parameters(true);
    for (auto& p : copy->named_parameters(true)) {
      const auto* s = source.find(p.key());
      if (s == nullptr || s->sizes() != p.value().sizes()) {
        throw Error(ErrorCode::ModelInvalid,
                    "randomisation: trained network does not match its architecture at " + p.key());
      }
      p.value().copy_(*s);
    }
    const auto buffers = trained.named_buffers(true);
    for (auto& b : copy->named_buffers(true)) {
      if (const auto* s = buffers.find(b.key())) b.value().copy_(*s);
    }
  }
  auto b = blocks(*copy);
  if (stages > b.size()) {
    throw Error(ErrorCode::InvalidArgument, "randomisation: only " + std::to_string(b.size()) +
                                                " blocks, not " + std::to_string(stages));
  }
  torch::manual_seed(seed);
  for (std::size_t k = 0; k < stages; ++k) reinitialise(*b[b.size() - 1 - k].second);
  copy->eval();
  return copy;
}

}  // namespace medsight

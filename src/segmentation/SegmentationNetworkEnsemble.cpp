#include "segmentation/SegmentationNetworkEnsemble.h"

#include <torch/torch.h>

#include "core/Error.h"
#include "core/ParallelFor.h"
#include "models/UNet.h"
#include "segmentation/SlidingWindowInferer.h"

namespace medsight {

struct SegmentationNetworkEnsemble::Networks {
  std::vector<UNet> members;
  int threads = 0;
};

SegmentationNetworkEnsemble::SegmentationNetworkEnsemble(
    const UNetSpec& spec, const std::vector<std::filesystem::path>& weights, int threads)
    : networks_(std::make_unique<Networks>()) {
  if (weights.empty()) throw Error(ErrorCode::ModelInvalid, "segmentation model: no weights");
  networks_->threads = resolveThreadCount(threads);
  for (const auto& w : weights) {
    UNet net(spec);
    try {
      torch::load(net, w.string());
    } catch (const c10::Error& e) {
      throw Error(
          ErrorCode::ModelInvalid,
          w.string() + ": weights do not fit the manifest's U-Net: " + e.what_without_backtrace());
    }
    net->eval();
    networks_->members.push_back(net);
  }
}

SegmentationNetworkEnsemble::~SegmentationNetworkEnsemble() = default;
SegmentationNetworkEnsemble::SegmentationNetworkEnsemble(SegmentationNetworkEnsemble&&) noexcept =
    default;
SegmentationNetworkEnsemble& SegmentationNetworkEnsemble::operator=(
    SegmentationNetworkEnsemble&&) noexcept = default;

std::size_t SegmentationNetworkEnsemble::size() const {
  return networks_->members.size();
}

std::int64_t SegmentationNetworkEnsemble::parametersPerMember() const {
  std::int64_t n = 0;
  for (const auto& p : networks_->members.front()->parameters()) n += p.numel();
  return n;
}

Image SegmentationNetworkEnsemble::probability(const Image& preprocessed,
                                               const SlidingWindowSettings& settings) const {
  return probability(std::vector<const Image*>{&preprocessed}, settings);
}

Image SegmentationNetworkEnsemble::probability(const std::vector<const Image*>& stack,
                                               const SlidingWindowSettings& settings) const {
  torch::set_num_threads(networks_->threads);
  const SlidingWindowInferer inferer(settings);
  auto& members = networks_->members;
  return inferer.run(stack, [&](const torch::Tensor& x) {
    torch::Tensor sum;
    for (auto& m : members) {
      const auto p = torch::softmax(m->forward(x), 1).select(1, 1);
      sum = sum.defined() ? sum + p : p;
    }
    return sum / static_cast<double>(members.size());
  });
}

}  // namespace medsight

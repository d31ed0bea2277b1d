#include "explain/ClassifierEnsemble.h"

#include "core/Error.h"
#include "models/ImageClassifier.h"

namespace medsight {

ClassifierEnsemble::ClassifierEnsemble(std::vector<std::shared_ptr<ClassifierNetworkImpl>> networks,
                                       PreprocessingSpec preprocessing, double temperature)
    : networks_(std::move(networks)),
      preprocessor_(std::move(preprocessing)),
      temperature_(temperature) {
  if (networks_.empty()) throw Error(ErrorCode::ModelInvalid, "explain: model has no networks");
  if (!(temperature_ > 0)) throw Error(ErrorCode::ModelInvalid, "explain: temperature <= 0");
  for (const auto& n : networks_) n->eval();
}

ClassifierEnsemble ClassifierEnsemble::fromClassifier(const ImageClassifier& classifier) {
  return ClassifierEnsemble(classifier.networks(), classifier.manifest().preprocessing,
                            classifier.manifest().temperature);
}

torch::Tensor ClassifierEnsemble::logits(const torch::Tensor& unit) const {
  const torch::Tensor x = preprocessor_.normalize(unit);
  torch::Tensor sum;
  for (const auto& net : networks_) {
    const torch::Tensor z = net->forward(x).view({-1});
    sum = sum.defined() ? sum + z : z;
  }
  return sum / static_cast<double>(networks_.size());
}

torch::Tensor ClassifierEnsemble::probabilities(const torch::Tensor& unit,
                                                std::int64_t batchSize) const {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> parts;
  for (std::int64_t start = 0; start < unit.size(0); start += batchSize) {
    parts.push_back(torch::sigmoid(
        logits(unit.slice(0, start, std::min(unit.size(0), start + batchSize))) / temperature_));
  }
  return torch::cat(parts);
}

std::string ClassifierEnsemble::featureLayerName() const {
  return networks_.front()->featureLayerName();
}

}  // namespace medsight

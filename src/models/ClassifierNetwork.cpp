#include "models/ClassifierNetwork.h"

#include "core/Error.h"
#include "models/MobileNetClassifier.h"
#include "models/ResNetClassifier.h"

namespace medsight {

std::shared_ptr<ClassifierNetworkImpl> createClassifierNetwork(const ArchitectureSpec& spec) {
  if (spec.inputChannels < 1 || spec.inputChannels > 4 || spec.outputs < 1 || spec.inputSize < 8 ||
      spec.width < 4) {
    throw Error(ErrorCode::InvalidConfiguration,
                "architecture '" + spec.name +
                    "': channels 1-4, outputs >= 1, input size >= 8 "
                    "and width >= 4 are required");
  }
  if (spec.name == "resnet18")
    return std::make_shared<ResNetClassifier>(spec, std::vector<int>{2, 2, 2, 2});
  if (spec.name == "resnet34")
    return std::make_shared<ResNetClassifier>(spec, std::vector<int>{3, 4, 6, 3});
  if (spec.name == "mobilenet") return std::make_shared<MobileNetClassifier>(spec);
  throw Error(ErrorCode::InvalidConfiguration,
              "unknown architecture '" + spec.name + "' (resnet18, resnet34, mobilenet)");
}

std::int64_t countParameters(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace medsight

#include "server/ModelCatalog.h"

#include "models/ImageClassifier.h"

namespace medsight {

ModelCatalog::ModelCatalog(std::filesystem::path folder, int threads)
    : folder_(std::move(folder)), threads_(threads) {}
ModelCatalog::~ModelCatalog() = default;
ModelCatalog::ModelCatalog(ModelCatalog&&) noexcept = default;

const ImageClassifier* ModelCatalog::find(const std::string& name, std::string& why) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second.get();
  const auto path = folder_ / name;
  if (!std::filesystem::exists(path / "manifest.json")) {
    why = "model " + name + " is not installed (no " + (path / "manifest.json").string() + ")";
    return nullptr;
  }
  // Load errors (tampered weights) propagate: that is a fault to fix, not an input to skip.
  auto classifier = std::make_unique<ImageClassifier>(ImageClassifier::load(path, threads_));
  return loaded_.emplace(name, std::move(classifier)).first->second.get();
}

}  // namespace medsight

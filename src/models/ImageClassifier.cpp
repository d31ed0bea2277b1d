#include "models/ImageClassifier.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "core/ParallelFor.h"
#include "models/ClassifierNetwork.h"
#include "models/EnsembleInference.h"
#include "models/ImagePreprocessor.h"

namespace medsight {

ImageClassifier::~ImageClassifier() = default;
ImageClassifier::ImageClassifier(ImageClassifier&&) noexcept = default;
ImageClassifier& ImageClassifier::operator=(ImageClassifier&&) noexcept = default;

ImageClassifier ImageClassifier::load(const std::filesystem::path& folder, int threads) {
  torch::set_num_threads(resolveThreadCount(threads));
  ImageClassifier c;
  c.folder_ = folder;
  c.manifest_ = ModelManifest::read(folder);
  c.manifest_.verify(folder);
  if (c.manifest_.architecture.inputChannels != c.manifest_.preprocessing.channels) {
    throw Error(ErrorCode::ModelInvalid,
                folder.string() + ": architecture and preprocessing disagree on channels");
  }
  for (const auto& member : c.manifest_.members) {
    auto net = createClassifierNetwork(c.manifest_.architecture);
    try {
      torch::load(net, (folder / member.file).string());
    } catch (const c10::Error& e) {
      throw Error(ErrorCode::ModelInvalid,
                  (folder / member.file).string() +
                      ": weights do not fit the architecture: " + e.what_without_backtrace());
    }
    net->eval();
    c.networks_.push_back(net);
  }
  return c;
}

void ImageClassifier::checkAccepts(const Image& image, const std::string& name) const {
  const auto& accepted = manifest_.acceptedModalities;
  if (!accepted.empty() && !image.modality().empty() &&
      std::find(accepted.begin(), accepted.end(), image.modality()) == accepted.end()) {
    std::string list;
    for (const auto& m : accepted) list += (list.empty() ? "" : ", ") + m;
    throw Error(ErrorCode::WrongModality, name + ": model " + manifest_.name + " accepts " + list +
                                              " images, not " + image.modality());
  }
  if (image.size().z != 1 || image.size().t != 1) {
    throw Error(ErrorCode::WrongModality,
                name + ": model " + manifest_.name + " reads 2D images; this is " +
                    std::to_string(image.size().x) + "x" + std::to_string(image.size().y) + "x" +
                    std::to_string(image.size().z) + (image.size().t > 1 ? " with frames" : ""));
  }
}

std::vector<ClassifierPrediction> ImageClassifier::predict(const std::vector<Image>& images) const {
  if (images.empty()) return {};
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto it = images[i].metadata().find("source.path");
    checkAccepts(images[i],
                 it != images[i].metadata().end() ? it->second : "image " + std::to_string(i));
  }
  const ImagePreprocessor pre(manifest_.preprocessing);
  std::vector<ClassifierPrediction> out;
  out.reserve(images.size());
  const std::size_t chunkSize = 1024;  // bounds the memory of the preprocessed batch
  for (std::size_t start = 0; start < images.size(); start += chunkSize) {
    const std::size_t end = std::min(images.size(), start + chunkSize);
    std::vector<Image> chunk(images.begin() + static_cast<std::ptrdiff_t>(start),
                             images.begin() + static_cast<std::ptrdiff_t>(end));
    const torch::Tensor logits =
        ensembleLogits(networks_, pre.toUnitBatch(chunk), pre, manifest_.testTimeAugmentation,
                       manifest_.allowFlip);
    for (int64_t i = 0; i < logits.size(0); ++i) {
      ClassifierPrediction p;
      p.logit = logits[i].item<double>();
      p.uncalibrated = 1.0 / (1.0 + std::exp(-p.logit));
      p.probability = 1.0 / (1.0 + std::exp(-p.logit / manifest_.temperature));
      p.label = p.probability >= manifest_.threshold ? 1 : 0;
      p.labelName = manifest_.labels.at(static_cast<std::size_t>(p.label));
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace medsight

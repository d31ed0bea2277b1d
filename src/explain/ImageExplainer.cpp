#include "explain/ImageExplainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "explain/Attribution.h"
#include "explain/ClassifierEnsemble.h"
#include "models/ImageClassifier.h"

namespace medsight {
namespace {

std::string imageName(const Image& image, std::size_t index) {
  const auto it = image.metadata().find("source.path");
  return it != image.metadata().end() ? it->second : "image " + std::to_string(index);
}

}  // namespace

ImageExplainer::ImageExplainer(const ImageClassifier& classifier)
    : classifier_(classifier),
      ensemble_(
          std::make_unique<ClassifierEnsemble>(ClassifierEnsemble::fromClassifier(classifier))) {
  const auto& m = classifier.manifest();
  if (m.task != "binary" || m.labels.size() != 2) {
    throw Error(ErrorCode::ModelInvalid,
                classifier.folder().string() + ": explanations support binary models only");
  }
  const std::string available = ensemble_->featureLayerName();
  if (!m.gradcamLayer.empty() && m.gradcamLayer != available) {
    throw Error(ErrorCode::ModelInvalid, classifier.folder().string() +
                                             ": manifest explain.gradcam_layer '" + m.gradcamLayer +
                                             "' is not a layer of " + m.architecture.name +
                                             " (Grad-CAM is available at '" + available + "')");
  }
  layer_ = m.gradcamLayer.empty() ? available : m.gradcamLayer;
}

ImageExplainer::~ImageExplainer() = default;

std::string ImageExplainer::resolveLayer(const std::string& requested) const {
  if (requested.empty() || requested == layer_) return layer_;
  throw Error(ErrorCode::InvalidArgument,
              "Grad-CAM layer '" + requested + "' is unknown for model " +
                  classifier_.manifest().name + "; available: '" + layer_ + "'");
}

int ImageExplainer::labelIndex(const std::string& name) const {
  const auto& labels = classifier_.manifest().labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == name) return static_cast<int>(i);
  }
  std::string list;
  for (const auto& l : labels) list += (list.empty() ? "" : ", ") + l;
  throw Error(ErrorCode::InvalidArgument, "target label '" + name + "' is not a label of model " +
                                              classifier_.manifest().name + " (" + list + ")");
}

Image ImageExplainer::mapToInputGrid(const std::vector<float>& map, int mapHeight, int mapWidth,
                                     const Image& image, const std::string& resize) {
  const auto rows = static_cast<int64_t>(image.size().y);
  const auto cols = static_cast<int64_t>(image.size().x);
  torch::Tensor m =
      torch::from_blob(const_cast<float*>(map.data()), {1, 1, mapHeight, mapWidth}, torch::kFloat32)
          .clone();
  auto resized = [](const torch::Tensor& t, int64_t h, int64_t w) {
    if (t.size(2) == h && t.size(3) == w) return t;
    return torch::nn::functional::interpolate(t, torch::nn::functional::InterpolateFuncOptions()
                                                     .size(std::vector<int64_t>{h, w})
                                                     .mode(torch::kBilinear)
                                                     .align_corners(false));
  };
  if (resize == "pad_square" && rows != cols) {
    // The preprocessor padded the short side symmetrically, then resized the square.
    const int64_t side = std::max(rows, cols);
    const int64_t top = (side - rows) / 2, left = (side - cols) / 2;
    m = resized(m, side, side).slice(2, top, top + rows).slice(3, left, left + cols);
  } else {
    m = resized(m, rows, cols);
  }
  Image out(PixelType::Float32, {image.size().x, image.size().y, 1, 1}, 2, 1, image.geometry());
  const torch::Tensor flat = m.contiguous().view({-1});
  std::copy_n(flat.data_ptr<float>(), flat.numel(), out.pixels<float>().data());
  out.setModality(image.modality());
  for (const char* key : {"source.path", "source.format", "source.index", "source.array"}) {
    const auto it = image.metadata().find(key);
    if (it != image.metadata().end()) out.metadata()[key] = it->second;
  }
  return out;
}

std::vector<Explanation> ImageExplainer::explainBatch(const std::vector<Image>& images,
                                                      const std::vector<int>& targets,
                                                      const ExplanationOptions& options,
                                                      bool heatmaps) const {
  if (images.size() != targets.size()) {
    throw Error(ErrorCode::InvalidArgument, "explain: one target per image needed");
  }
  const std::string layer =
      options.method == ExplanationMethod::GradCam ? resolveLayer(options.layer) : "";
  for (std::size_t i = 0; i < images.size(); ++i) {
    classifier_.checkAccepts(images[i], imageName(images[i], i));
    if (targets[i] != 0 && targets[i] != 1) {
      throw Error(ErrorCode::InvalidArgument, "explain: target index must be 0 or 1");
    }
  }
  const auto& m = classifier_.manifest();
  std::vector<Explanation> out;
  out.reserve(images.size());
  // Occlusion and IG run many forward passes per image; small batches keep memory flat.
  const std::size_t batch = options.method == ExplanationMethod::GradCam ? 64 : 8;
  for (std::size_t start = 0; start < images.size(); start += batch) {
    const auto begin = std::chrono::steady_clock::now();
    const std::size_t end = std::min(images.size(), start + batch);
    const std::vector<Image> chunk(images.begin() + static_cast<std::ptrdiff_t>(start),
                                   images.begin() + static_cast<std::ptrdiff_t>(end));
    const torch::Tensor unit = ensemble_->preprocessor().toUnitBatch(chunk);
    std::vector<float> signs;
    for (std::size_t i = start; i < end; ++i) signs.push_back(targets[i] == 1 ? 1.0f : -1.0f);
    const torch::Tensor sign = torch::tensor(signs);
    torch::Tensor completeness;
    const torch::Tensor maps =
        computeAttribution(*ensemble_, unit, sign, options, layer, &completeness).contiguous();
    const torch::Tensor p = ensemble_->probabilities(unit);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count() /
        static_cast<double>(end - start);
    for (std::size_t i = start; i < end; ++i) {
      const auto k = static_cast<int64_t>(i - start);
      Explanation e;
      e.method = options.method;
      e.layer = layer;
      e.targetIndex = targets[i];
      e.targetLabel = m.labels[static_cast<std::size_t>(targets[i])];
      const double positive = p[k].item<double>();
      e.targetProbability = targets[i] == 1 ? positive : 1.0 - positive;
      e.positiveProbability = std::numeric_limits<double>::quiet_NaN();
      e.completenessError = completeness[k].item<double>();
      e.mapHeight = static_cast<int>(maps.size(1));
      e.mapWidth = static_cast<int>(maps.size(2));
      const torch::Tensor mk = maps[k].contiguous();
      e.modelMap.assign(mk.data_ptr<float>(), mk.data_ptr<float>() + mk.numel());
      e.seconds = seconds;
      if (heatmaps) {
        const torch::Tensor positivePart = mk.clamp_min(0.0);
        e.scale = positivePart.max().item<double>();
        Image heat =
            mapToInputGrid(e.modelMap, e.mapHeight, e.mapWidth, images[i], m.preprocessing.resize);
        auto px = heat.pixels<float>();
        const float inv = e.scale > 0 ? static_cast<float>(1.0 / e.scale) : 0.0f;
        for (auto& v : px) v = std::clamp(v * inv, 0.0f, 1.0f);
        heat.metadata()["explain.method"] = explanationMethodName(e.method);
        heat.metadata()["explain.target"] = e.targetLabel;
        heat.metadata()["explain.scale"] = std::to_string(e.scale);
        heat.metadata()["explain.model"] = m.name + " " + m.version;
        e.heatmap = std::move(heat);
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

Explanation ImageExplainer::explain(const Image& image, const ExplanationOptions& options) const {
  classifier_.checkAccepts(image, imageName(image, 0));
  const auto prediction = classifier_.predict({image}).front();
  const int target = options.target.empty() ? prediction.label : labelIndex(options.target);
  Explanation e = explainBatch({image}, {target}, options, true).front();
  e.positiveProbability = prediction.probability;
  e.predictedLabel = prediction.labelName;
  return e;
}

}  // namespace medsight

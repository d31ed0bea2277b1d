#include "report/ModelValidation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/Error.h"
#include "explain/HeatmapOverlay.h"
#include "explain/ImageExplainer.h"
#include "io/DisplayRenderer.h"
#include "io/RasterImageIO.h"
#include "models/ImageClassifier.h"
#include "report/ValidationDataset.h"

namespace medsight {
namespace {

nlohmann::json curveJson(const std::vector<CurvePoint>& curve) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : curve) {
    out.push_back(
        {std::isfinite(p.threshold) ? nlohmann::json(p.threshold) : nlohmann::json(), p.x, p.y});
  }
  return out;
}

std::string fileSafe(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

/// Indices of the most confident errors of one kind, most confident first.
std::vector<std::size_t> confidentErrors(const std::vector<double>& p, const std::vector<int>& y,
                                         double threshold, int label, std::size_t count) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const int called = p[i] >= threshold ? 1 : 0;
    if (y[i] == label && called != label) idx.push_back(i);
  }
  // False positives: highest probability first; false negatives: lowest first.
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return label == 0 ? p[a] > p[b] : p[a] < p[b];
  });
  if (idx.size() > count) idx.resize(count);
  return idx;
}

/// A stratified, seeded sample of indices for the sanity checks.
std::vector<std::size_t> sanitySample(const std::vector<int>& labels, std::size_t n,
                                      std::uint64_t seed) {
  if (n >= labels.size()) {
    std::vector<std::size_t> all(labels.size());
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  const double fraction = static_cast<double>(n) / static_cast<double>(labels.size());
  auto parts = StratifiedSplitter::split(labels, fraction, seed);
  auto& picked = parts.second;
  std::sort(picked.begin(), picked.end());
  return picked;
}

}  // namespace

ModelValidation ModelValidation::run(const ImageClassifier& classifier,
                                     const ValidationDataset& data,
                                     const ValidationOptions& options, const std::string& slug) {
  ModelValidation v;
  v.modelFolder = classifier.folder();
  v.manifest = classifier.manifest();
  v.ids = data.set.ids;
  v.labels = data.set.labels;
  v.threshold = v.manifest.threshold;
  const auto started = std::chrono::steady_clock::now();
  const auto predictions = classifier.predict(data.set.images);
  v.predictSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& p : predictions) {
    v.probabilities.push_back(p.probability);
    v.uncalibrated.push_back(p.uncalibrated);
    v.logits.push_back(p.logit);
  }
  v.evaluation =
      BinaryEvaluation::compute(v.probabilities, v.labels, v.threshold, options.bootstrap);
  v.roc = BinaryMetrics::rocCurve(v.probabilities, v.labels);
  v.pr = BinaryMetrics::precisionRecallCurve(v.probabilities, v.labels);
  v.calibration = ReliabilityCurve::compute(v.probabilities, v.labels, options.calibrationBins);
  v.calibrationBefore =
      ReliabilityCurve::compute(v.uncalibrated, v.labels, options.calibrationBins);
  v.brier = BinaryMetrics::brierScore(v.probabilities, v.labels);
  v.brierBefore = BinaryMetrics::brierScore(v.uncalibrated, v.labels);
  v.thresholds =
      ThresholdTable::compute(v.probabilities, v.labels, v.threshold, v.manifest.thresholdRule);
  v.subgroupColumns = SubgroupAnalysis::subgroupColumns(data.set);
  BootstrapOptions subgroupBootstrap = options.bootstrap;
  subgroupBootstrap.replicates = std::min(subgroupBootstrap.replicates, 1000);
  v.subgroups =
      SubgroupAnalysis::compute(data.set, v.probabilities, v.threshold, subgroupBootstrap);
  if (options.recalibrate) {
    v.recalibration = RecalibrationCheck::run(v.logits, v.labels, v.manifest.temperature, 5,
                                              options.bootstrap.seed, options.calibrationBins);
  }

  if (options.galleryPerKind > 0) {
    auto fp = confidentErrors(v.probabilities, v.labels, v.threshold, 0, options.galleryPerKind);
    auto fn = confidentErrors(v.probabilities, v.labels, v.threshold, 1, options.galleryPerKind);
    std::vector<std::size_t> chosen = fp;
    chosen.insert(chosen.end(), fn.begin(), fn.end());
    if (!chosen.empty()) {
      const ImageExplainer explainer(classifier);
      std::vector<Image> images;
      std::vector<int> targets;
      for (auto i : chosen) {
        images.push_back(data.set.images[i]);
        targets.push_back(v.probabilities[i] >= v.threshold ? 1 : 0);  // why it said so
      }
      ExplanationOptions eo;
      eo.method = options.galleryMethod;
      const auto explanations = explainer.explainBatch(images, targets, eo, true);
      const auto folder = options.outputFolder / "gallery";
      std::filesystem::create_directories(folder);
      for (std::size_t k = 0; k < chosen.size(); ++k) {
        const std::size_t i = chosen[k];
        GalleryItem g;
        g.id = v.ids[i];
        g.label = v.labels[i];
        g.kind = g.label == 0 ? "false positive" : "false negative";
        g.probability = v.probabilities[i];
        g.explainedLabel = explanations[k].targetLabel;
        const std::string base = slug + "-" + fileSafe(g.id);
        g.imagePng = folder / (base + ".png");
        g.overlayPng = folder / (base + "." + explanationMethodName(eo.method) + ".png");
        RasterImageIO::writePng(DisplayRenderer::render(images[k]), g.imagePng);
        RasterImageIO::writePng(HeatmapOverlay::render(images[k], explanations[k].heatmap),
                                g.overlayPng);
        v.gallery.push_back(g);
      }
    }
  }

  if (options.sanitySamples > 0) {
    const auto idx = sanitySample(v.labels, options.sanitySamples, options.bootstrap.seed);
    std::vector<Image> images;
    for (auto i : idx) images.push_back(data.set.images[i]);
    SanityCheckOptions so;
    so.methods = options.sanityMethods;
    so.seed = options.bootstrap.seed;
    v.sanity = ExplanationSanityCheck::run(classifier, images, so);
  }
  return v;
}

nlohmann::json ModelValidation::toJson() const {
  nlohmann::json gallery_ = nlohmann::json::array();
  for (const auto& g : gallery) {
    gallery_.push_back({{"id", g.id},
                        {"kind", g.kind},
                        {"label", g.label},
                        {"probability", g.probability},
                        {"explained_label", g.explainedLabel},
                        {"image", g.imagePng.filename().string()},
                        {"overlay", g.overlayPng.filename().string()}});
  }
  nlohmann::json j{{"model",
                    {{"folder", modelFolder.string()},
                     {"name", manifest.name},
                     {"version", manifest.version},
                     {"weights_sha256", manifest.weightsHash()},
                     {"temperature", manifest.temperature},
                     {"threshold", threshold},
                     {"threshold_rule", manifest.thresholdRule}}},
                   {"evaluation", evaluation.toJson()},
                   {"roc_curve", curveJson(roc)},
                   {"pr_curve", curveJson(pr)},
                   {"calibration", calibration.toJson()},
                   {"calibration_before_temperature", calibrationBefore.toJson()},
                   {"brier_score", brier},
                   {"brier_score_before_temperature", brierBefore},
                   {"thresholds", ThresholdTable::toJson(thresholds)},
                   {"subgroup_columns", subgroupColumns},
                   {"subgroups", SubgroupAnalysis::toJson(subgroups)},
                   {"gallery", gallery_},
                   {"predict_seconds", predictSeconds}};
  if (recalibration) j["recalibration"] = recalibration->toJson();
  if (sanity) j["explanation_sanity"] = sanity->toJson();
  return j;
}

}  // namespace medsight

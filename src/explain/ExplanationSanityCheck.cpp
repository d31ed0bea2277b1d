#include "explain/ExplanationSanityCheck.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "eval/RankCorrelation.h"
#include "explain/Attribution.h"
#include "explain/ClassifierEnsemble.h"
#include "explain/DeletionInsertionCurve.h"
#include "explain/ModelRandomizer.h"
#include "models/ImageClassifier.h"

namespace medsight {
namespace {

struct MeanSd {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = std::numeric_limits<double>::quiet_NaN();
};

MeanSd summarise(const std::vector<double>& v) {
  MeanSd r;
  if (v.empty()) return r;
  double s = 0.0;
  for (double x : v) s += x;
  r.mean = s / static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  return r;
}

std::vector<double> toDoubles(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat64).contiguous().view({-1});
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

}  // namespace

SanityCheckReport ExplanationSanityCheck::run(const ImageClassifier& classifier,
                                              const std::vector<Image>& images,
                                              const SanityCheckOptions& options) {
  if (images.empty()) throw Error(ErrorCode::EmptyInput, "explanation sanity check: no images");
  for (std::size_t i = 0; i < images.size(); ++i) {
    classifier.checkAccepts(images[i], "sanity-check image " + std::to_string(i));
  }
  const auto& manifest = classifier.manifest();
  if (manifest.task != "binary" || manifest.labels.size() != 2) {
    throw Error(ErrorCode::ModelInvalid,
                classifier.folder().string() + ": explanation checks support binary classifiers");
  }
  const ClassifierEnsemble trained = ClassifierEnsemble::fromClassifier(classifier);
  const std::string layer =
      manifest.gradcamLayer.empty() ? trained.featureLayerName() : manifest.gradcamLayer;
  const torch::Tensor unit = trained.preprocessor().toUnitBatch(images);
  const torch::Tensor positive = trained.probabilities(unit);
  // Explain what the model predicts at its operating threshold.
  const torch::Tensor targets = (positive >= manifest.threshold).to(torch::kLong);
  const torch::Tensor sign = targets.to(torch::kFloat32) * 2 - 1;

  // Randomised ensembles for every cascade stage (each member with its own seed).
  const auto stages = ModelRandomizer::cascadeStages(*trained.networks().front());
  const std::size_t stageCount =
      options.maxStages == 0 ? stages.size() : std::min(options.maxStages, stages.size());
  std::vector<std::size_t> depths;
  for (std::size_t s = 1; s <= stageCount; ++s) {
    if (!options.firstAndLastOnly || s == 1 || s == stageCount) depths.push_back(s);
  }
  std::vector<ClassifierEnsemble> randomized;
  for (const std::size_t s : depths) {
    std::vector<std::shared_ptr<ClassifierNetworkImpl>> nets;
    for (std::size_t m = 0; m < trained.networks().size(); ++m) {
      nets.push_back(ModelRandomizer::randomizedCopy(manifest.architecture, *trained.networks()[m],
                                                     s, options.seed + 1000 * m + s));
    }
    randomized.emplace_back(nets, manifest.preprocessing, manifest.temperature);
  }

  SanityCheckReport report;
  report.model = manifest.name + " " + manifest.version;
  report.images = images.size();
  for (const ExplanationMethod method : options.methods) {
    ExplanationOptions eo = options.explanation;
    eo.method = method;
    MethodSanity ms;
    ms.method = method;
    const auto started = std::chrono::steady_clock::now();
    torch::Tensor completeness;
    const torch::Tensor maps = computeAttribution(trained, unit, sign, eo, layer, &completeness);
    ms.secondsPerImage =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() /
        static_cast<double>(images.size());
    ms.meanCompletenessError = method == ExplanationMethod::IntegratedGradients
                                   ? completeness.mean().item<double>()
                                   : std::numeric_limits<double>::quiet_NaN();

    for (std::size_t s = 0; s < depths.size(); ++s) {
      const torch::Tensor rmaps = computeAttribution(randomized[s], unit, sign, eo, layer, nullptr);
      std::vector<double> rho, rhoAbs;
      RandomizationStage stage;
      stage.block = stages[depths[s] - 1];
      stage.blocks = depths[s];
      for (int64_t i = 0; i < maps.size(0); ++i) {
        const auto a = toDoubles(maps[i]), b = toDoubles(rmaps[i]);
        const double r = RankCorrelation::spearman(a, b);
        const double ra =
            RankCorrelation::spearman(toDoubles(maps[i].abs()), toDoubles(rmaps[i].abs()));
        if (std::isfinite(r)) {
          rho.push_back(r);
        } else {
          ++stage.constantMaps;
        }
        if (std::isfinite(ra)) rhoAbs.push_back(ra);
      }
      const MeanSd r = summarise(rho);
      stage.spearman = r.mean;
      stage.spearmanSd = r.sd;
      stage.spearmanAbs = summarise(rhoAbs).mean;
      ms.cascade.push_back(stage);
    }

    std::vector<double> del, ins, delRandom, insRandom;
    for (int64_t i = 0; i < maps.size(0); ++i) {
      const int target = static_cast<int>(targets[i].item<int64_t>());
      const torch::Tensor x = unit[i].unsqueeze(0);
      const auto curve =
          DeletionInsertionCurve::compute(trained, x, maps[i], target, options.curveSteps,
                                          options.seed + static_cast<std::uint64_t>(i));
      double dr = 0.0, ir = 0.0;
      for (int k = 0; k < options.randomOrders; ++k) {
        const auto rc = DeletionInsertionCurve::random(trained, x, target, options.curveSteps,
                                                       options.seed * 7919 +
                                                           static_cast<std::uint64_t>(i) * 31 +
                                                           static_cast<std::uint64_t>(k));
        dr += rc.deletionAuc / options.randomOrders;
        ir += rc.insertionAuc / options.randomOrders;
      }
      del.push_back(curve.deletionAuc);
      ins.push_back(curve.insertionAuc);
      delRandom.push_back(dr);
      insRandom.push_back(ir);
      if (curve.deletionAuc < dr) ++ms.deletionWins;
      if (curve.insertionAuc > ir) ++ms.insertionWins;
    }
    const MeanSd d = summarise(del), in = summarise(ins);
    ms.deletionAuc = d.mean;
    ms.deletionAucSd = d.sd;
    ms.insertionAuc = in.mean;
    ms.insertionAucSd = in.sd;
    ms.deletionAucRandom = summarise(delRandom).mean;
    ms.insertionAucRandom = summarise(insRandom).mean;
    report.methods.push_back(ms);
  }
  return report;
}

nlohmann::json SanityCheckReport::toJson() const {
  nlohmann::json j{{"model", model}, {"images", images}, {"methods", nlohmann::json::array()}};
  for (const auto& m : methods) {
    nlohmann::json cascade = nlohmann::json::array();
    for (const auto& s : m.cascade) {
      cascade.push_back({{"block", s.block},
                         {"blocks_randomised", s.blocks},
                         {"spearman", number(s.spearman)},
                         {"spearman_sd", number(s.spearmanSd)},
                         {"spearman_abs", number(s.spearmanAbs)},
                         {"constant_maps", s.constantMaps}});
    }
    nlohmann::json mj{{"method", explanationMethodName(m.method)},
                      {"randomisation_cascade", cascade},
                      {"deletion_auc", number(m.deletionAuc)},
                      {"deletion_auc_sd", number(m.deletionAucSd)},
                      {"deletion_auc_random_order", number(m.deletionAucRandom)},
                      {"deletion_better_than_random", m.deletionWins},
                      {"insertion_auc", number(m.insertionAuc)},
                      {"insertion_auc_sd", number(m.insertionAucSd)},
                      {"insertion_auc_random_order", number(m.insertionAucRandom)},
                      {"insertion_better_than_random", m.insertionWins},
                      {"seconds_per_image", m.secondsPerImage}};
    if (std::isfinite(m.meanCompletenessError)) {
      mj["completeness_error_mean"] = m.meanCompletenessError;
    }
    j["methods"].push_back(mj);
  }
  return j;
}

std::string SanityCheckReport::toText() const {
  std::string out =
      "explanation sanity checks: " + model + " on " + std::to_string(images) + " images\n";
  char line[256];
  for (const auto& m : methods) {
    std::snprintf(line, sizeof line,
                  "\n%s  (%.3f s/image)\n  deletion AUC  %.3f +- %.3f  (random order %.3f; "
                  "better on %zu/%zu)\n  insertion AUC %.3f +- %.3f  (random order %.3f; better "
                  "on %zu/%zu)\n",
                  explanationMethodName(m.method).c_str(), m.secondsPerImage, m.deletionAuc,
                  m.deletionAucSd, m.deletionAucRandom, m.deletionWins, images, m.insertionAuc,
                  m.insertionAucSd, m.insertionAucRandom, m.insertionWins, images);
    out += line;
    if (std::isfinite(m.meanCompletenessError)) {
      std::snprintf(line, sizeof line, "  IG completeness error (mean) %.4f\n",
                    m.meanCompletenessError);
      out += line;
    }
    // "rho of |maps|" is the rank correlation of the absolute maps (Adebayo et al. 2018), a
    // correlation like the other and so possibly negative; not the absolute value of rho.
    out +=
        "  cascading randomisation (Spearman rho with the trained model's maps; rho|abs| of "
        "their absolute values):\n";
    for (const auto& s : m.cascade) {
      std::snprintf(
          line, sizeof line, "    %2zu  up to %-12s rho %+.3f +- %.3f  rho|abs| %+.3f%s\n",
          s.blocks, s.block.c_str(), s.spearman, s.spearmanSd, s.spearmanAbs,
          s.constantMaps ? ("  (" + std::to_string(s.constantMaps) + " constant)").c_str() : "");
      out += line;
    }
  }
  return out;
}

}  // namespace medsight

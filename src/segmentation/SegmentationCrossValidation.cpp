#include "segmentation/SegmentationCrossValidation.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Sha256.h"
#include "eval/MeanSummary.h"
#include "preprocess/GridResampler.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/SegmentationDataset.h"
#include "segmentation/SegmentationModelCard.h"
#include "segmentation/SegmentationNetworkEnsemble.h"
#include "segmentation/SegmentationTrainer.h"
#include "segmentation/TumourSegmenter.h"

namespace medsight {
namespace {

using nlohmann::json;

json readJsonFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

}  // namespace

json SegmentationCrossValidation::patientMetrics(const std::string& id, const MaskAgreement& a,
                                                 double seconds) {
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  return {{"patient", id},
          {"dice", a.dice},
          {"hd95_mm", opt(a.hausdorff95Mm)},
          {"mean_surface_distance_mm", opt(a.meanSurfaceDistanceMm)},
          {"volume_ml", a.volumeMl},
          {"reference_volume_ml", a.referenceVolumeMl},
          {"volume_error_percent", opt(a.volumeErrorPercent)},
          {"seconds", seconds}};
}

json SegmentationCrossValidation::validationRecord(const json& perPatient, std::size_t patients,
                                                   const std::string& protocol,
                                                   std::uint64_t seed) {
  std::vector<double> dice, hd95, volErr, absVolErr;
  for (const auto& r : perPatient) {
    dice.push_back(r["dice"].get<double>());
    if (!r["hd95_mm"].is_null()) hd95.push_back(r["hd95_mm"].get<double>());
    if (!r["volume_error_percent"].is_null()) {
      volErr.push_back(r["volume_error_percent"].get<double>());
      absVolErr.push_back(std::abs(r["volume_error_percent"].get<double>()));
    }
  }
  return {{"protocol", protocol},
          {"patients", patients},
          {"per_patient", perPatient},
          {"summary",
           {{"dice", MeanSummary::of(dice, seed)},
            {"hd95_mm", MeanSummary::of(hd95, seed)},
            {"volume_error_percent", MeanSummary::of(volErr, seed)},
            {"absolute_volume_error_percent", MeanSummary::of(absVolErr, seed)}}},
          {"empty_predictions", static_cast<int>(dice.size() - hd95.size())}};
}

SegmentationCrossValidation::SegmentationCrossValidation(SegmentationTrainingConfig config,
                                                         std::filesystem::path output, int threads,
                                                         std::string commandLine)
    : config_(std::move(config)),
      output_(std::move(output)),
      threads_(threads),
      commandLine_(std::move(commandLine)) {}

std::vector<int> SegmentationCrossValidation::assignFolds(const std::vector<std::string>& ids,
                                                          int folds, std::uint64_t seed) {
  if (static_cast<int>(ids.size()) < folds) {
    throw Error(ErrorCode::InvalidConfiguration, "cross-validation: " + std::to_string(ids.size()) +
                                                     " patients cannot fill " +
                                                     std::to_string(folds) + " folds");
  }
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<int> fold(ids.size());
  for (std::size_t r = 0; r < order.size(); ++r) fold[order[r]] = static_cast<int>(r % folds);
  return fold;
}

SegmentationModelManifest SegmentationCrossValidation::run(int onlyFold) {
  std::filesystem::create_directories(output_ / "cv");
  const auto ids = SegmentationDataset::caseIds(config_.dataRoot, config_.imageFile,
                                                config_.maskFile, config_.auxiliary);
  const auto folds = assignFolds(ids, config_.folds, config_.seed);
  // Finished folds are reused only when the recipe and the patients are unchanged, including
  // what the recipe's preprocessing, network and sliding window mean to this MedSight (every
  // parameter written out, also those a plan file sets: a default changed since the fold was
  // trained must not reuse it under the new meaning).
  std::string recipe = config_.source.dump() + "\n" + config_.preprocessing.dump() + "\n" +
                       config_.network.toJson().dump() + "\n" + config_.inference.toJson().dump() +
                       "\n";
  for (const auto& id : ids) recipe += id + ",";
  const std::string recipeHash = Sha256::ofString(recipe);
  spdlog::info("cross-validation: {} patients in {} folds from {}", ids.size(), config_.folds,
               config_.dataRoot.string());
  std::vector<SegmentationCase> cases =
      SegmentationDataset::load(config_.dataRoot, ids, config_.imageFile, config_.maskFile,
                                config_.preprocessing, threads_, config_.auxiliary);

  SegmentationModelManifest manifest;
  manifest.name = config_.name;
  manifest.description = config_.description;
  manifest.modality = config_.modality;
  manifest.auxiliary = config_.auxiliary;
  manifest.network = config_.network;
  manifest.preprocessing = config_.preprocessing;
  manifest.inference = config_.inference;

  const SegmentationTrainer trainer(config_, threads_);
  json perPatient = json::array();
  double trainSeconds = 0.0;
  for (int k = 0; k < config_.folds; ++k) {
    if (onlyFold >= 0 && k != onlyFold) continue;
    const std::string file = "fold" + std::to_string(k) + ".pt";
    const auto weights = output_ / file;
    const auto report = output_ / "cv" / ("fold" + std::to_string(k) + ".json");
    std::vector<const SegmentationCase*> train, held;
    std::vector<std::string> heldIds;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      (folds[i] == k ? held : train).push_back(&cases[i]);
      if (folds[i] == k) heldIds.push_back(cases[i].id);
    }
    json foldJson;
    if (std::filesystem::exists(weights) && std::filesystem::exists(report) &&
        readJsonFile(report).value("recipe_sha256", "") == recipeHash) {
      foldJson = readJsonFile(report);
      spdlog::info("fold {}: already trained, reusing {}", k, weights.string());
    } else {
      const std::string label =
          "fold " + std::to_string(k + 1) + "/" + std::to_string(config_.folds);
      const json log =
          trainer.train(train, weights, config_.trainingSeed + static_cast<unsigned>(k), label);
      // Held-out patients, measured through the same path `medsight segment` takes.
      SegmentationModelManifest foldManifest = manifest;
      auto ensemble = std::make_shared<const SegmentationNetworkEnsemble>(
          config_.network, std::vector<std::filesystem::path>{weights}, threads_);
      const TumourSegmenter segmenter(foldManifest, ensemble);
      json metrics = json::array();
      for (const auto* c : held) {
        const TumourSegmentation s =
            segmenter.segment(c->originalImage, c->originalAuxiliaryViews());
        const MaskAgreement a = MaskComparison::compare(s.mask, c->originalMask);
        spdlog::info("fold {} {}: Dice {:.3f}, HD95 {} mm, volume error {}%", k, c->id, a.dice,
                     a.hausdorff95Mm ? std::to_string(*a.hausdorff95Mm) : "n/a",
                     a.volumeErrorPercent ? std::to_string(*a.volumeErrorPercent) : "n/a");
        metrics.push_back(patientMetrics(c->id, a, s.seconds));
      }
      foldJson = {{"fold", k},
                  {"recipe_sha256", recipeHash},
                  {"training_patients",
                   [&] {
                     std::vector<std::string> t;
                     for (const auto* c : train) t.push_back(c->id);
                     return t;
                   }()},
                  {"held_out", heldIds},
                  {"training_log", log},
                  {"metrics", metrics}};
      AtomicFile::write(report, foldJson.dump(2) + "\n");
    }
    trainSeconds += foldJson["training_log"].value("seconds", 0.0);
    for (const auto& m : foldJson["metrics"]) {
      json row = m;
      row["fold"] = k;
      perPatient.push_back(row);
    }
    manifest.members.push_back({file, Sha256::ofFile(weights), k, heldIds});
  }
  if (onlyFold >= 0) return manifest;
  {
    std::vector<const Image*> images;
    for (const auto& c : cases) images.push_back(&c.originalImage);
    manifest.intensity = IntensitySignature::learn(images);
    std::vector<std::vector<const Image*>> auxiliary;
    for (const auto& c : cases) auxiliary.push_back(c.originalAuxiliaryViews());
    AuxiliaryChannel::learnIntensities(manifest.auxiliary, auxiliary);
  }

  manifest.validation = validationRecord(
      perPatient, ids.size(),
      std::to_string(config_.folds) +
          "-fold patient-level cross-validation; each patient measured once, by the fold model "
          "that never saw them, on the original image grid",
      config_.seed);
  manifest.training = {{"config", config_.source},
                       {"command", commandLine_},
                       {"data_root", config_.dataRoot.string()},
                       {"patients", ids},
                       {"recipe_sha256", recipeHash},
                       {"training_seconds_all_folds", trainSeconds}};
  manifest.write(output_);
  SegmentationModelCard::write(manifest, output_ / "MODEL_CARD.md");
  return manifest;
}

}  // namespace medsight

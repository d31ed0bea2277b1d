#include "segmentation/SegmentationTrainingConfig.h"

#include <fstream>

#include "core/DatasetLocator.h"
#include "core/Error.h"
#include "core/StructuredFileReader.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {
namespace {

nlohmann::json readJson(const std::filesystem::path& path, const char* what) {
  if (!std::filesystem::exists(path)) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": " + what + " not found");
  }
  return StructuredFileReader::read(path);  // JSON, or YAML by extension
}

}  // namespace

SegmentationTrainingConfig SegmentationTrainingConfig::fromJson(
    const nlohmann::json& j, const std::string& context, const std::filesystem::path& baseFolder) {
  auto bad = [&](const std::string& what) {
    return Error(ErrorCode::InvalidConfiguration, context + ": " + what);
  };
  try {
    SegmentationTrainingConfig c;
    c.source = j;
    c.name = j.at("name").get<std::string>();
    if (c.name.empty() || c.name.find('/') != std::string::npos) {
      throw bad("'name' must be a non-empty folder name");
    }
    c.description = j.value("description", "");
    const auto& data = j.at("data");
    c.dataRoot = data.at("root").get<std::string>();
    if (c.dataRoot.is_relative()) {
      // Like other configs: relative to the shared data root first, else to the config file.
      const auto found = DatasetLocator::find(c.dataRoot.string());
      c.dataRoot = found ? *found : baseFolder / c.dataRoot;
    }
    c.imageFile = data.value("image", c.imageFile);
    c.maskFile = data.value("mask", c.maskFile);
    c.modality = data.value("modality", "");
    c.auxiliary =
        AuxiliaryChannel::listFromJson(data.value("auxiliary", nlohmann::json()), context);
    for (const auto& a : c.auxiliary) {
      if (a.file.empty()) throw bad("auxiliary channel " + a.name + " needs a 'file'");
    }

    if (j.contains("plan")) {
      std::filesystem::path plan = j.at("plan").get<std::string>();
      if (plan.is_relative()) plan = baseFolder / plan;
      const auto p = readJson(plan, "plan file");
      c.preprocessing = p.at("preprocessing");
      if (p.contains("patch_size")) c.inference.patchSize = p.at("patch_size");
    }
    if (j.contains("preprocessing")) c.preprocessing = j.at("preprocessing");
    if (c.preprocessing.is_null()) throw bad("give 'preprocessing' steps or a 'plan' file");
    // Validated, and every parameter written out: the package then replays exactly these
    // settings even if a later MedSight changes a default.
    c.preprocessing =
        PreprocessPipeline::fromJson(c.preprocessing, context + ": preprocessing").toJson();

    c.network = UNetSpec::fromJson(j.value("network", nlohmann::json::object()));
    if (j.contains("inference")) {
      auto inf = SlidingWindowSettings::fromJson(j.at("inference"));
      if (!j.at("inference").contains("patch_size")) inf.patchSize = c.inference.patchSize;
      c.inference = inf;
    }
    if (c.inference.patchSize[2] != 1 && c.network.dimensions == 2) {
      throw bad("a 2D network needs patch_size z = 1");
    }
    if (c.network.dimensions == 3 && c.inference.contextSlices != 0) {
      throw bad("context_slices applies to 2D networks only");
    }
    if (const auto why = c.inference.sliceAxisProblem()) throw bad("inference." + *why);
    // Also for a 3D network given a one-slice patch.
    if (c.network.dimensions == 3 && c.inference.sliceAxis != 2) {
      throw bad("slice_axis applies to 2D networks only (a 3D network reads every axis)");
    }
    c.inference.imageChannels = 1 + static_cast<int>(c.auxiliary.size());
    c.network.inputChannels = c.inference.inputChannels();
    for (int a = 0; a < c.network.dimensions; ++a) {
      if (c.inference.patchSize[a] % c.network.sizeDivisor() != 0) {
        throw bad("patch_size must be divisible by 2^(depth-1) = " +
                  std::to_string(c.network.sizeDivisor()));
      }
    }

    const auto t = j.value("training", nlohmann::json::object());
    c.iterations = t.value("iterations", c.iterations);
    c.batchSize = t.value("batch_size", c.batchSize);
    c.learningRate = t.value("learning_rate", c.learningRate);
    c.weightDecay = t.value("weight_decay", c.weightDecay);
    c.warmupIterations = t.value("warmup_iterations", c.warmupIterations);
    c.foregroundFraction = t.value("foreground_fraction", c.foregroundFraction);
    c.diceWeight = t.value("dice_weight", c.diceWeight);
    const auto a = t.value("augmentation", nlohmann::json::object());
    c.augmentation.flips = a.value("flips", c.augmentation.flips);
    c.augmentation.rotate90 = a.value("rotate90", c.augmentation.rotate90);
    c.augmentation.intensityScale = a.value("intensity_scale", c.augmentation.intensityScale);
    c.augmentation.intensityShift = a.value("intensity_shift", c.augmentation.intensityShift);
    c.augmentation.noiseStd = a.value("noise_std", c.augmentation.noiseStd);
    c.augmentation.spatialProbability =
        a.value("spatial_probability", c.augmentation.spatialProbability);
    c.augmentation.rotationDegrees = a.value("rotation_degrees", c.augmentation.rotationDegrees);
    c.augmentation.scaleRange = a.value("scale_range", c.augmentation.scaleRange);
    c.augmentation.auxiliaryDropout = a.value("auxiliary_dropout", c.augmentation.auxiliaryDropout);
    if (!(c.augmentation.auxiliaryDropout >= 0 && c.augmentation.auxiliaryDropout < 1)) {
      throw bad("augmentation needs auxiliary_dropout in [0, 1)");
    }
    if (c.augmentation.auxiliaryDropout > 0 && c.auxiliary.empty()) {
      throw bad(
          "augmentation.auxiliary_dropout blanks auxiliary channels; data.auxiliary lists none");
    }
    if (c.augmentation.spatialProbability < 0 || c.augmentation.spatialProbability > 1 ||
        c.augmentation.rotationDegrees < 0 || c.augmentation.rotationDegrees > 180 ||
        c.augmentation.scaleRange < 0 || c.augmentation.scaleRange >= 1) {
      throw bad(
          "augmentation needs spatial_probability in [0, 1], rotation_degrees in [0, 180] and "
          "scale_range in [0, 1)");
    }
    if (c.iterations < 1 || c.batchSize < 1 || !(c.learningRate > 0) || c.foregroundFraction < 0 ||
        c.foregroundFraction > 1) {
      throw bad(
          "training needs iterations >= 1, batch_size >= 1, learning_rate > 0 and "
          "foreground_fraction in [0, 1]");
    }
    const auto cv = j.value("cross_validation", nlohmann::json::object());
    c.folds = cv.value("folds", c.folds);
    c.seed = cv.value("seed", c.seed);
    c.trainingSeed = t.value("seed", c.seed);
    if (c.folds < 2) throw bad("cross_validation.folds must be >= 2");
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("malformed: ") + e.what());
  }
}

SegmentationTrainingConfig SegmentationTrainingConfig::fromFile(const std::filesystem::path& path) {
  return fromJson(readJson(path, "training config"), path.string(),
                  path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

}  // namespace medsight

#include "models/TrainingConfig.h"

#include <fstream>

#include "core/DatasetLocator.h"
#include "core/Error.h"
#include "core/StructuredFileReader.h"

namespace medsight {
namespace {

std::filesystem::path resolveDataPath(const std::string& text,
                                      const std::filesystem::path& origin) {
  std::filesystem::path p(text);
  if (p.is_absolute()) return p;
  if (auto found = DatasetLocator::find(text)) return *found;
  const auto besideConfig = origin.parent_path() / p;
  std::error_code ec;
  if (std::filesystem::exists(besideConfig, ec)) return besideConfig;
  throw Error(ErrorCode::FileNotFound, "training data '" + text + "' not found in " +
                                           DatasetLocator::searchedPlaces() + " or next to " +
                                           origin.string());
}

}  // namespace

TrainingConfig TrainingConfig::fromFile(const std::filesystem::path& path) {
  return fromJson(StructuredFileReader::read(path), path);  // JSON, or YAML by extension
}

TrainingConfig TrainingConfig::fromJson(const nlohmann::json& j,
                                        const std::filesystem::path& origin) {
  const std::string ctx = origin.string();
  if (!j.is_object())
    throw Error(ErrorCode::InvalidConfiguration,
                ctx + ": must be an object (a JSON object or YAML mapping)");
  static const std::vector<std::string> known{"name",  "version", "description", "labels",
                                              "data",  "model",   "preprocess",  "augment",
                                              "train", "deploy",  "card"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw Error(ErrorCode::InvalidConfiguration, ctx + ": unknown key '" + key + "'");
    }
  }
  TrainingConfig c;
  c.raw = j;
  c.configPath = origin;
  try {
    c.name = j.at("name").get<std::string>();
    c.version = j.value("version", c.version);
    c.description = j.value("description", "");
    c.labels = j.at("labels").get<std::vector<std::string>>();
    const auto& data = j.at("data");
    c.dataFormat = data.value("format", c.dataFormat);
    c.dataPath = resolveDataPath(data.at("path").get<std::string>(), origin);
    c.trainSplit = data.value("train_split", c.trainSplit);
    c.valSplit = data.value("val_split", c.valSplit);
    c.imageColumn = data.value("image_column", c.imageColumn);
    c.labelColumn = data.value("label_column", c.labelColumn);
    c.crossValidationFolds = data.value("cv_folds", c.crossValidationFolds);
    c.splitSeed = data.value("split_seed", c.splitSeed);
    c.trainLimit = data.value("train_limit", c.trainLimit);
    c.valLimit = data.value("val_limit", c.valLimit);
    c.architecture = ArchitectureSpec::fromJson(j.value("model", nlohmann::json::object()));
    c.preprocessing = PreprocessingSpec::fromJson(j.value("preprocess", nlohmann::json::object()));
    c.augmentation = AugmentationSpec::fromJson(j.value("augment", nlohmann::json::object()));
    const auto train = j.value("train", nlohmann::json::object());
    c.epochs = train.value("epochs", c.epochs);
    c.batchSize = train.value("batch_size", c.batchSize);
    c.learningRate = train.value("learning_rate", c.learningRate);
    c.weightDecay = train.value("weight_decay", c.weightDecay);
    c.warmupEpochs = train.value("warmup_epochs", c.warmupEpochs);
    c.patience = train.value("patience", c.patience);
    c.seed = train.value("seed", c.seed);
    c.members = train.value("members", c.members);
    c.classWeighting = train.value("class_weighting", c.classWeighting);
    const auto deploy = j.value("deploy", nlohmann::json::object());
    c.testTimeAugmentation = deploy.value("test_time_augmentation", false);
    c.operatingPoint = deploy.value("operating_point", c.operatingPoint);
    c.calibrate = deploy.value("calibrate", true);
    c.acceptedModalities = deploy.value("accepted_modalities", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfiguration, ctx + ": " + e.what());
  }
  if (c.name.empty() || c.name.find('/') != std::string::npos) {
    throw Error(ErrorCode::InvalidConfiguration, ctx + ": name must be a non-empty plain name");
  }
  if (c.labels.size() != 2) {
    throw Error(ErrorCode::InvalidConfiguration,
                ctx + ": only binary tasks (two labels) are trained in this version");
  }
  if (c.dataFormat != "npz" && c.dataFormat != "csv") {
    throw Error(ErrorCode::InvalidConfiguration, ctx + ": data.format must be npz or csv");
  }
  // A learning rate above 1 makes AdamW diverge at once (NaN weights), reported only after
  // the run as unusable scores.
  if (c.epochs < 1 || c.batchSize < 2 || !(c.learningRate > 0) || !(c.learningRate <= 1.0) ||
      c.patience < 1 || c.members < 1 || c.crossValidationFolds < 2 ||
      c.crossValidationFolds > 20) {
    throw Error(ErrorCode::InvalidConfiguration,
                ctx +
                    ": epochs >= 1, batch_size >= 2, 0 < learning_rate <= 1, patience >= 1, "
                    "members >= 1 and 2 <= cv_folds <= 20 are required");
  }
  if (c.classWeighting != "balanced" && c.classWeighting != "none") {
    throw Error(ErrorCode::InvalidConfiguration, ctx + ": class_weighting is balanced or none");
  }
  if (c.operatingPoint != "balanced" && c.operatingPoint != "youden" &&
      !c.operatingPoint.starts_with("sensitivity:")) {
    throw Error(ErrorCode::InvalidConfiguration,
                ctx + ": operating_point is balanced, youden or sensitivity:<0..1>");
  }
  c.architecture.outputs = 1;
  c.architecture.inputChannels = c.preprocessing.channels;
  c.architecture.inputSize = std::min(c.preprocessing.height, c.preprocessing.width);
  return c;
}

}  // namespace medsight

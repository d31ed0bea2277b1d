#include "report/ValidationDataset.h"

#include <algorithm>

#include "core/Error.h"
#include "models/EvaluationDataLoader.h"
#include "models/LabeledImageSet.h"
#include "models/ModelManifest.h"

namespace medsight {
namespace {

std::string roleName(DataRole role) {
  switch (role) {
    case DataRole::Training:
      return "training";
    case DataRole::ModelSelection:
      return "model-selection";
    case DataRole::Independent:
      return "independent";
    case DataRole::Overlapping:
      return "overlapping";
    case DataRole::Unknown:
      return "unknown";
  }
  return "unknown";
}

/// The role of data whose file name differs from the manifest's training data, told by content:
/// the manifest records the SHA-256 of what it was trained on (for NPZ, of its training and
/// validation splits), so a renamed copy is still recognised. Independent when nothing matches.
DataRole roleByContent(const std::filesystem::path& data, const std::string& split,
                       const std::string& hash, const ModelManifest& manifest) {
  const std::string recorded = manifest.training.value("data_sha256", "");
  if (recorded.empty()) return DataRole::Independent;
  const auto config = manifest.training.value("config", nlohmann::json::object());
  const auto dataConfig = config.value("data", nlohmann::json::object());
  if (dataConfig.value("format", "npz") != "npz") {
    return hash == recorded ? DataRole::Training : DataRole::Independent;
  }
  if (split.empty()) return DataRole::Independent;
  const std::string trainSplit = dataConfig.value("train_split", "train");
  const std::string valSplit = dataConfig.value("val_split", "val");
  try {
    const auto train = LabeledImageSet::fromNpz(data, trainSplit)
                           .firstN(dataConfig.value("train_limit", std::size_t{0}));
    const auto val = LabeledImageSet::fromNpz(data, valSplit)
                         .firstN(dataConfig.value("val_limit", std::size_t{0}));
    if (LabeledImageSet::splitPairHash(train, val) != recorded) {
      return DataRole::Independent;
    }
  } catch (const Error&) {
    return DataRole::Independent;  // not an NPZ with the training splits: not the training file
  }
  if (split == trainSplit) return DataRole::Training;
  if (split == valSplit) return DataRole::ModelSelection;
  return DataRole::Independent;
}

/// Whether `data` carries the name of the file the manifest says the model was trained on.
bool hasTrainingFileName(const std::filesystem::path& data, const ModelManifest& manifest) {
  const auto config = manifest.training.value("config", nlohmann::json::object());
  const std::string trainedOn =
      config.value("data", nlohmann::json::object()).value("path", std::string());
  return std::filesystem::path(trainedOn).filename() == data.filename();
}

}  // namespace

DataRole ValidationDataset::roleFor(const std::filesystem::path& data, const std::string& split,
                                    const ModelManifest& manifest) {
  const auto config = manifest.training.value("config", nlohmann::json::object());
  const auto dataConfig = config.value("data", nlohmann::json::object());
  const std::string trainedOn = dataConfig.value("path", "");
  if (trainedOn.empty()) return DataRole::Unknown;
  if (!hasTrainingFileName(data, manifest)) return DataRole::Independent;
  const std::string format = dataConfig.value("format", "npz");
  if (format != "npz" || split.empty()) {
    // Labels CSVs are trained with cross-validation: every row was used for training.
    return DataRole::Training;
  }
  if (split == dataConfig.value("train_split", "train")) return DataRole::Training;
  if (split == dataConfig.value("val_split", "val")) return DataRole::ModelSelection;
  return DataRole::Independent;
}

ValidationDataset ValidationDataset::load(const std::filesystem::path& data,
                                          const std::string& split, const std::string& imageColumn,
                                          const std::string& labelColumn,
                                          const ModelManifest& manifest, int threads,
                                          const TrainingImageFingerprints* fingerprints) {
  std::error_code ec;
  if (!std::filesystem::exists(data, ec)) {
    throw Error(ErrorCode::FileNotFound, data.string() + ": data file not found");
  }
  ValidationDataset d;
  d.path = data;
  auto loaded =
      EvaluationDataLoader::load(data.string(), split, imageColumn, labelColumn, manifest, threads);
  d.set = std::move(loaded.set);
  d.split = std::move(loaded.split);
  const std::string context = data.string() + (d.split.empty() ? "" : " split " + d.split);
  if (d.set.size() == 0) throw Error(ErrorCode::EmptyInput, context + ": no images");
  d.set.validateLabels(static_cast<int>(manifest.labels.size()), context);
  const auto counts = d.set.classCounts();
  for (int label = 0; label < static_cast<int>(manifest.labels.size()); ++label) {
    if (counts.count(label) == 0) {
      throw Error(ErrorCode::LabelMismatch,
                  context + ": no image has label " + std::to_string(label) + " ('" +
                      manifest.labels[static_cast<std::size_t>(label)] +
                      "'); ROC, sensitivity and specificity need both labels of model " +
                      manifest.name);
    }
  }
  d.hash = d.set.contentHash();
  bool unrecordedFile = false;  // another file, and no record of the training images
  if (fingerprints) {
    // The images decide: a file name says nothing about what is inside (an independent test
    // set may well be called labels.csv, and a new CSV may list training images again).
    d.overlap = fingerprints->overlapWith(d.set);
    const std::size_t n = d.set.size(), seen = d.overlap->fitted + d.overlap->selection;
    if (seen == 0) {
      d.role = DataRole::Independent;
    } else if (seen < n) {
      d.role = DataRole::Overlapping;
    } else {
      d.role =
          d.overlap->fitted >= d.overlap->selection ? DataRole::Training : DataRole::ModelSelection;
    }
  } else {
    d.role = roleFor(data, d.split, manifest);
    if (d.role == DataRole::Independent) d.role = roleByContent(data, d.split, d.hash, manifest);
    // An unused split of the training file is known to be new; another file is not.
    if (d.role == DataRole::Independent && !hasTrainingFileName(data, manifest)) {
      d.role = DataRole::Unknown;
      unrecordedFile = true;
    }
  }
  const std::string seenCounts =
      d.overlap
          ? " By pixel content, " + std::to_string(d.overlap->fitted) + " of " +
                std::to_string(d.set.size()) + " images are ones the model was fitted on and " +
                std::to_string(d.overlap->selection) + " are of its model-selection split."
          : std::string();
  switch (d.role) {
    case DataRole::Training:
      d.roleTitle = "Training data";
      d.roleNote =
          "The model's weights were fitted on these images. Every figure below is optimistic "
          "and says nothing about performance on new patients." +
          seenCounts;
      break;
    case DataRole::ModelSelection:
      d.roleTitle = "Validation split used for model selection";
      d.roleNote =
          "This split chose the training epoch (early stopping), fitted the calibration "
          "temperature and set the operating threshold. Figures are therefore optimistic; "
          "they are not an estimate of performance on new patients. Use held-out test data for "
          "that." +
          seenCounts;
      break;
    case DataRole::Independent:
      d.roleTitle = "Data not used in training or model selection";
      d.roleNote = d.overlap
                       ? "None of these images is pixel-identical to an image the model was "
                         "fitted or selected on (the package records them all). Images of the "
                         "same patients taken again, or processed differently, cannot be told "
                         "apart this way: check that these patients are new to the model."
                       : "This is a split of the model's training data file that it was not "
                         "fitted or selected on. This package does not record its training "
                         "images (`medsight model-fingerprint` adds them), so images repeated "
                         "across splits cannot be told apart: check that these images come "
                         "from patients the model was not built on.";
      break;
    case DataRole::Overlapping:
      d.roleTitle = "Data that includes images the model was built on";
      d.roleNote = "Some of these images are ones the model was built on." + seenCounts +
                   " The figures mix seen and unseen images and are optimistic; remove the "
                   "images listed in report.json (data.overlap) for an estimate on new data.";
      break;
    case DataRole::Unknown:
      d.roleTitle = "Data of unknown relation to the model";
      d.roleNote =
          unrecordedFile
              ? "This file is not the training data recorded in the model's manifest, by name or "
                "by content (SHA-256), but the package does not record its training images "
                "(`medsight model-fingerprint` adds them), so whether some of these images were "
                "used to build it cannot be told; check that they were not."
              : "The model's manifest does not record its training data; check that these "
                "images were not used to build it.";
      break;
  }
  return d;
}

nlohmann::json ValidationDataset::toJson() const {
  nlohmann::json j{{"path", path.string()},  {"split", split}, {"source", set.source},
                   {"samples", set.size()},  {"sha256", hash}, {"role", roleName(role)},
                   {"role_title", roleTitle}};
  if (overlap) {
    j["overlap"] = {{"checked", "image by image against the package's training fingerprints"},
                    {"fitted", overlap->fitted},
                    {"selection", overlap->selection},
                    {"fitted_ids", overlap->fittedIds},
                    {"selection_ids", overlap->selectionIds}};
  } else {
    j["overlap"] = {{"checked", "no: the package does not record its training images"}};
  }
  return j;
}

}  // namespace medsight

// `medsight train`, `medsight eval`, `medsight predict`.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/OutputFileSet.h"
#include "core/ProgressReporter.h"
#include "eval/BinaryEvaluation.h"
#include "io/ImageFileReader.h"
#include "models/EvaluationDataLoader.h"
#include "models/ImageClassifier.h"
#include "models/LabeledImageSet.h"
#include "models/ModelCardWriter.h"
#include "models/ModelTrainer.h"
#include "models/TrainingConfig.h"
#include "models/TrainingDataSets.h"
#include "models/TrainingImageFingerprints.h"

namespace medsight {
namespace {

using nlohmann::json;

/// A probability: a number from 0 to 1 (NaN is not, though no range comparison refuses it).
const CLI::Validator kProbability(
    [](const std::string& v) -> std::string {
      try {
        std::size_t used = 0;
        const double d = std::stod(v, &used);
        if (used == v.size() && d >= 0.0 && d <= 1.0) return {};
      } catch (const std::exception&) {
      }
      return "a probability from 0 to 1, not " + v;
    },
    "PROBABILITY");

/// A training run writes its weights, manifest and card into `out`: over an existing package
/// (or a data folder) it would leave a mix of old and new members that loads as one model.
/// Only --resume continues in a folder that holds files.
void requireNewPackageFolder(const std::filesystem::path& out, bool resume) {
  std::error_code ec;
  if (!std::filesystem::exists(out, ec)) {
    // The nearest folder that exists must take the new one.
    auto parent = std::filesystem::absolute(out).parent_path();
    while (!std::filesystem::exists(parent, ec) && parent.has_relative_path()) {
      parent = parent.parent_path();
    }
    if (!std::filesystem::is_directory(parent, ec)) {
      throw Error(ErrorCode::InvalidArgument,
                  "--out " + out.string() + ": " + parent.string() + " is a file, not a folder");
    }
    if (::access(parent.c_str(), W_OK | X_OK) != 0) {
      const int err = errno;
      throw Error(ErrorCode::FileWriteFailed, "--out " + out.string() +
                                                  ": cannot create a folder in " + parent.string() +
                                                  ": " + std::strerror(err));
    }
    return;
  }
  if (!std::filesystem::is_directory(out, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                "--out " + out.string() + ": is a file; give a folder for the model package");
  }
  if (resume) return;
  if (std::filesystem::directory_iterator(out, ec) != std::filesystem::directory_iterator()) {
    throw Error(ErrorCode::InvalidArgument,
                "--out " + out.string() +
                    ": the folder is not empty (an existing model package, or data?); give a new "
                    "folder, remove it first, or give --resume to continue a run that stopped");
  }
}

class TrainCommand : public Command {
 public:
  std::string name() const override { return "train"; }
  std::string summary() const override {
    return "Train an image classifier from a JSON config and write a model package";
  }
  void configure(CLI::App& app) override {
    app.add_option("--config", config_, "Training configuration (JSON, or YAML by extension)")
        ->required();
    app.add_option("--out", out_, "Output model folder (default models/<name>)");
    app.add_flag("--resume", resume_, "Continue from the checkpoints in the output folder");
  }
  int run(const CommandContext& context) override {
    const TrainingConfig config = TrainingConfig::fromFile(config_);
    const std::filesystem::path out =
        out_.empty() ? std::filesystem::path("models") / config.name : std::filesystem::path(out_);
    requireNewPackageFolder(out, resume_);
    ModelTrainer trainer(config, out, context.threads, context.commandLine);
    const ModelManifest m = trainer.run(resume_);
    const json summary{{"model", out.string()},       {"name", m.name},
                       {"members", m.members.size()}, {"temperature", m.temperature},
                       {"threshold", m.threshold},    {"validation", m.validation}};
    if (context.json) {
      std::cout << summary.dump(2) << '\n';
    } else {
      const auto& auc = m.validation["metrics"]["auc"];
      std::cout << "wrote " << out.string() << " (" << m.members.size() << " member(s))\n"
                << "validation AUC " << auc["value"] << " [" << auc["ci_lower"] << ", "
                << auc["ci_upper"] << "], threshold " << m.threshold << ", temperature "
                << m.temperature << '\n';
    }
    return 0;
  }

 private:
  std::string config_, out_;
  bool resume_ = false;
};

class EvalCommand : public Command {
 public:
  std::string name() const override { return "eval"; }
  std::string summary() const override {
    return "Evaluate a model on labelled data: AUC, accuracy, sensitivity, specificity, PPV, "
           "NPV with bootstrap 95% CIs";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("--data", data_, "npz archive (MedMNIST splits) or labels CSV")->required();
    app.add_option("--split", split_, "npz split (default: test if present, else val)");
    app.add_option("--image-column", imageColumn_, "CSV column with image paths")
        ->capture_default_str();
    app.add_option("--label-column", labelColumn_, "CSV column with labels (default from model)");
    app.add_option("--threshold", threshold_, "Operating threshold (default: the model's)")
        ->check(kProbability);
    // Fewer than 100 replicates give no usable 95% interval.
    app.add_option("--bootstrap", replicates_, "Bootstrap replicates")
        ->capture_default_str()
        ->check(CLI::Range(100, 1000000));
    app.add_option("--seed", seed_, "Bootstrap seed")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
  }
  int run(const CommandContext& context) override {
    const ImageClassifier classifier = ImageClassifier::load(model_, context.threads);
    const auto& m = classifier.manifest();
    const LabeledImageSet data =
        EvaluationDataLoader::load(data_, split_, imageColumn_, labelColumn_, m, context.threads)
            .set;
    data.validateLabels(static_cast<int>(m.labels.size()), data.source);
    const auto predictions = classifier.predict(data.images);
    std::vector<double> p;
    for (const auto& pr : predictions) p.push_back(pr.probability);
    BootstrapOptions options;
    options.replicates = replicates_;
    options.seed = seed_;
    const double threshold = threshold_ >= 0 ? threshold_ : m.threshold;
    const auto evaluation = BinaryEvaluation::compute(p, data.labels, threshold, options);
    json out{
        {"model", {{"name", m.name}, {"version", m.version}, {"weights_sha256", m.weightsHash()}}},
        {"data",
         {{"source", data.source}, {"samples", data.size()}, {"sha256", data.contentHash()}}},
        {"evaluation", evaluation.toJson()},
        {"expected_calibration_error", BinaryMetrics::expectedCalibrationError(p, data.labels)},
        {"brier_score", BinaryMetrics::brierScore(p, data.labels)}};
    if (context.json) {
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    std::cout << m.name << " " << m.version << " on " << data.source << " (" << data.size()
              << " images, " << evaluation.positives << " " << m.labels[1] << ")\n"
              << "threshold " << threshold << "\n";
    for (const char* k : {"auc", "accuracy", "sensitivity", "specificity", "ppv", "npv", "f1"}) {
      const auto& e = evaluation.metrics.at(k);
      std::printf("  %-12s %.4f  [%.4f, %.4f]\n", k, e.value, e.lower, e.upper);
    }
    std::printf("  confusion    TP %zu  FP %zu  TN %zu  FN %zu\n", evaluation.counts.tp,
                evaluation.counts.fp, evaluation.counts.tn, evaluation.counts.fn);
    return 0;
  }

 private:
  std::string model_, data_, split_, imageColumn_ = "image", labelColumn_;
  double threshold_ = -1.0;
  int replicates_ = 2000;
  std::uint64_t seed_ = 20261125;
};

class PredictCommand : public Command {
 public:
  std::string name() const override { return "predict"; }
  std::string summary() const override {
    return "Predict with a model on image files (DICOM, PNG, JPEG, NIfTI, npz)";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("files", files_, "Image files")->required();
    app.add_option("--array", array_, "npz array (default *_images)");
    app.add_option("--index", indices_, "npz image indices (default 0)");
  }
  int run(const CommandContext& context) override {
    const ImageClassifier classifier = ImageClassifier::load(model_, context.threads);
    const auto& m = classifier.manifest();
    std::vector<Image> images;
    std::vector<std::string> names;
    for (const auto& f : files_) {
      if (detectImageFileFormat(f) == ImageFileFormat::Npz) {
        const std::vector<std::size_t> idx =
            indices_.empty() ? std::vector<std::size_t>{0} : indices_;
        for (auto i : idx) {
          images.push_back(ImageFileReader::read(f, {array_, i, context.threads}));
          names.push_back(f + "#" + std::to_string(i));
        }
      } else {
        images.push_back(ImageFileReader::read(f, {"", 0, context.threads}));
        names.push_back(f);
      }
    }
    const auto predictions = classifier.predict(images);
    json results = json::array();
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const auto& p = predictions[i];
      results.push_back({{"file", names[i]},
                         {"label", p.labelName},
                         {"probability", p.probability},
                         {"uncalibrated_probability", p.uncalibrated},
                         {"threshold", m.threshold}});
    }
    if (context.json) {
      std::cout
          << json{{"model",
                   {{"name", m.name}, {"version", m.version}, {"weights_sha256", m.weightsHash()}}},
                  {"predictions", results}}
                 .dump(2)
          << '\n';
    } else {
      for (const auto& r : results) {
        std::printf("%s\t%s\tp=%.3f\n", r["file"].get<std::string>().c_str(),
                    r["label"].get<std::string>().c_str(), r["probability"].get<double>());
      }
    }
    return 0;
  }

 private:
  std::string model_, array_;
  std::vector<std::string> files_;
  std::vector<std::size_t> indices_;
};

class ModelCardCommand : public Command {
 public:
  std::string name() const override { return "model-card"; }
  std::string summary() const override {
    return "Write a model package's model card (Markdown) from its manifest";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("--out", out_, "Output file (default MODEL_CARD.md in the package)");
    app.add_option("--config", config_, "Training config whose \"card\" section to use");
  }
  int run(const CommandContext&) override {
    const std::filesystem::path out = out_.empty() ? std::filesystem::path(model_) / "MODEL_CARD.md"
                                                   : std::filesystem::path(out_);
    // A card is Markdown: the ending keeps it off the package's manifest and weights, and the
    // config it reads is declared so that it is not written over either.
    OutputFileSet outputs;
    outputs.addInput(config_, "--config");
    const auto staged = outputs.addFile(out, {".md"}, "--out");
    const ModelManifest m = ModelManifest::read(model_);
    m.verify(model_);
    nlohmann::json card;
    if (!config_.empty())
      card = TrainingConfig::fromFile(config_).raw.value("card", json::object());
    AtomicFile::write(staged, ModelCardWriter::render(m, card));
    outputs.commit();
    std::cout << "wrote " << out.string() << '\n';
    return 0;
  }

 private:
  std::string model_, out_, config_;
};

/// Records which images an already trained classifier saw, for packages trained before
/// `train` wrote them: the data is re-read as the manifest's config names it and must hash to
/// the manifest's `data_sha256`, so the fingerprints are of exactly what the weights saw.
class ModelFingerprintCommand : public Command {
 public:
  std::string name() const override { return "model-fingerprint"; }
  std::string summary() const override {
    return "Record in a classifier package which images it was trained and selected on (from "
           "its training data, checked by hash), for validate's image-by-image overlap check";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("--data", data_,
                   "The training data file, when it is no longer where the manifest says");
  }
  int run(const CommandContext& context) override {
    ModelManifest m = ModelManifest::read(model_);
    m.verify(model_);
    const std::string where = (std::filesystem::path(model_) / "manifest.json").string();
    json raw = m.training.value("config", json());
    const std::string recorded = m.training.value("data_sha256", "");
    if (!raw.is_object() || !raw.contains("data") || recorded.empty()) {
      throw Error(ErrorCode::ModelInvalid,
                  where +
                      ": the manifest records no training config and data hash, so the "
                      "images it was trained on cannot be identified");
    }
    if (!data_.empty()) {
      std::error_code ec;
      if (std::filesystem::is_directory(data_, ec)) {
        throw Error(ErrorCode::InvalidArgument,
                    "--data " + data_ +
                        " is a folder; give the training data file (npz or "
                        "labels CSV)");
      }
      raw["data"]["path"] = std::filesystem::absolute(data_).string();
    }
    const TrainingConfig config = TrainingConfig::fromJson(raw, where);
    const TrainingDataSets data = TrainingDataSets::load(config, context.threads);
    if (data.hash != recorded) {
      throw Error(ErrorCode::IntegrityViolation,
                  config.dataPath.string() + ": not the data this model was trained on (SHA-256 " +
                      data.hash + ", the manifest records " + recorded +
                      "); give the original file with --data");
    }
    const auto prints = TrainingImageFingerprints::fromTrainingData(data);
    m.training["image_fingerprints"] = prints.write(model_);
    m.write(model_);
    std::cout << "recorded " << prints.fittedCount() << " fitted and " << prints.selectionCount()
              << " model-selection image fingerprints in "
              << (std::filesystem::path(model_) / TrainingImageFingerprints::kFile).string()
              << '\n';
    return 0;
  }

 private:
  std::string model_, data_;
};

}  // namespace

/// \brief Registers the models module's commands (train, eval, predict, model-card).
void registerModelsCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<TrainCommand>());
  registry.add(std::make_unique<EvalCommand>());
  registry.add(std::make_unique<PredictCommand>());
  registry.add(std::make_unique<ModelCardCommand>());
  registry.add(std::make_unique<ModelFingerprintCommand>());
}

}  // namespace medsight

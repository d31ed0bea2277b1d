#include "models/ModelTrainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <numeric>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/ParallelFor.h"
#include "core/ProgressReporter.h"
#include "core/Sha256.h"
#include "core/Version.h"
#include "eval/BinaryEvaluation.h"
#include "eval/TemperatureScaler.h"
#include "models/Augmenter.h"
#include "models/ClassifierNetwork.h"
#include "models/EnsembleInference.h"
#include "models/ImagePreprocessor.h"
#include "models/LabeledImageSet.h"
#include "models/TrainingDataSets.h"
#include "models/TrainingImageFingerprints.h"

namespace medsight {
namespace {

using Clock = std::chrono::steady_clock;

struct MemberResult {
  std::shared_ptr<ClassifierNetworkImpl> network;
  double bestAuc = 0.0;
  int bestEpoch = 0;
  std::uint64_t seed = 0;
};

std::vector<double> toVector(const torch::Tensor& t) {
  const auto c = t.contiguous().to(torch::kDouble);
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

torch::Tensor labelTensor(const std::vector<int>& labels) {
  std::vector<float> f(labels.begin(), labels.end());
  return torch::tensor(f);
}

/// Resume state of one member, saved after every epoch next to its weights.
struct MemberState {
  int nextEpoch = 0;
  double bestAuc = -1.0;
  int bestEpoch = 0;
  int epochsWithoutGain = 0;
  nlohmann::json toJson() const {
    return {{"next_epoch", nextEpoch},
            {"best_auc", bestAuc},
            {"best_epoch", bestEpoch},
            {"epochs_without_gain", epochsWithoutGain}};
  }
};

class MemberTraining {
 public:
  MemberTraining(const TrainingConfig& c, const std::filesystem::path& checkpoints,
                 const std::string& tag, nlohmann::json& log)
      : c_(c), dir_(checkpoints), tag_(tag), log_(log) {}

  MemberResult train(const torch::Tensor& trainX, const std::vector<int>& trainLabels,
                     const torch::Tensor& valX, const std::vector<int>& valLabels,
                     std::uint64_t seed, bool resume) {
    torch::manual_seed(seed);
    auto net = createClassifierNetwork(c_.architecture);
    torch::optim::AdamW optimizer(
        net->parameters(),
        torch::optim::AdamWOptions(c_.learningRate).weight_decay(c_.weightDecay));
    const ImagePreprocessor pre(c_.preprocessing);
    const Augmenter augmenter(c_.augmentation);
    const auto trainY = labelTensor(trainLabels);
    const double positives = std::count(trainLabels.begin(), trainLabels.end(), 1);
    const double negatives = static_cast<double>(trainLabels.size()) - positives;
    if (positives == 0 || negatives == 0) {
      throw Error(ErrorCode::LabelMismatch, "training split has a single class");
    }
    // Class-balanced loss: weight positives by negatives/positives so the loss treats both
    // classes equally (a prevalence-neutral model; its 0.5 threshold balances the two errors).
    const auto posWeight = torch::tensor(
        {c_.classWeighting == "balanced" ? negatives / positives : 1.0}, torch::kFloat);
    const int64_t n = trainX.size(0);
    const int64_t stepsPerEpoch = (n + c_.batchSize - 1) / c_.batchSize;
    const int64_t totalSteps = stepsPerEpoch * c_.epochs;
    const int64_t warmupSteps =
        static_cast<int64_t>(c_.warmupEpochs * static_cast<double>(stepsPerEpoch));

    MemberState state;
    const auto weights = dir_ / (tag_ + ".pt");
    const auto best = dir_ / (tag_ + ".best.pt");
    const auto optim = dir_ / (tag_ + ".optim.pt");
    const auto stateFile = dir_ / (tag_ + ".state.json");
    if (resume && std::filesystem::exists(stateFile)) {
      std::ifstream in(stateFile);
      const auto j = nlohmann::json::parse(in);
      state.nextEpoch = j.at("next_epoch");
      state.bestAuc = j.at("best_auc");
      state.bestEpoch = j.at("best_epoch");
      state.epochsWithoutGain = j.at("epochs_without_gain");
      torch::load(net, weights.string());
      torch::load(optimizer, optim.string());
      spdlog::info("{}: resuming at epoch {}", tag_, state.nextEpoch + 1);
    }

    ProgressReporter progress("train " + tag_, static_cast<std::size_t>(totalSteps));
    progress.advance(static_cast<std::size_t>(state.nextEpoch * stepsPerEpoch));
    for (int epoch = state.nextEpoch; epoch < c_.epochs; ++epoch) {
      if (state.epochsWithoutGain >= c_.patience) break;
      const auto started = Clock::now();
      // Every epoch's randomness derives from (seed, epoch), so a resumed run is identical.
      const std::uint64_t epochSeed = seed * 1000003ULL + static_cast<std::uint64_t>(epoch);
      torch::manual_seed(epochSeed);
      net->train();
      const auto order = torch::randperm(n, torch::kLong);
      double lossSum = 0.0;
      for (int64_t s = 0; s < stepsPerEpoch; ++s) {
        const int64_t step = static_cast<int64_t>(epoch) * stepsPerEpoch + s;
        const double lr =
            step < warmupSteps
                ? c_.learningRate * static_cast<double>(step + 1) / static_cast<double>(warmupSteps)
                : 0.5 * c_.learningRate *
                      (1.0 + std::cos(M_PI * static_cast<double>(step - warmupSteps) /
                                      static_cast<double>(
                                          std::max<int64_t>(1, totalSteps - warmupSteps))));
        for (auto& group : optimizer.param_groups()) {
          static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        }
        const auto idx = order.slice(0, s * c_.batchSize, std::min(n, (s + 1) * c_.batchSize));
        if (idx.size(0) < 2) continue;  // batch norm needs two samples
        auto x = trainX.index_select(0, idx);
        x = pre.normalize(augmenter.apply(x, epochSeed * 7919ULL + static_cast<std::uint64_t>(s)));
        const auto y = trainY.index_select(0, idx);
        optimizer.zero_grad();
        const auto logits = net->forward(x).view({-1});
        const auto loss = torch::nn::functional::binary_cross_entropy_with_logits(
            logits, y,
            torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(posWeight));
        loss.backward();
        optimizer.step();
        lossSum += loss.item<double>() * static_cast<double>(idx.size(0));
        progress.advance();
      }
      net->eval();
      const auto valLogits = ensembleLogits({net}, valX, pre, false, false);
      const auto valScores = toVector(valLogits);
      const double auc = BinaryMetrics::auc(valScores, valLabels);
      const double valLoss =
          torch::nn::functional::binary_cross_entropy_with_logits(valLogits, labelTensor(valLabels))
              .item<double>();
      const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      const bool improved = auc > state.bestAuc;
      if (improved) {
        state.bestAuc = auc;
        state.bestEpoch = epoch + 1;
        state.epochsWithoutGain = 0;
        torch::save(net, best.string());
      } else {
        ++state.epochsWithoutGain;
      }
      state.nextEpoch = epoch + 1;
      torch::save(net, weights.string());
      torch::save(optimizer, optim.string());
      AtomicFile::write(stateFile, state.toJson().dump(2));
      char status[160];
      std::snprintf(status, sizeof status, "epoch %d/%d loss %.4f val AUC %.4f (best %.4f @%d)",
                    epoch + 1, c_.epochs, lossSum / static_cast<double>(n), auc, state.bestAuc,
                    state.bestEpoch);
      progress.setStatus(status);
      spdlog::info("{} {}", tag_, status);
      logEpoch({{"member", tag_},
                {"epoch", epoch + 1},
                {"train_loss", lossSum / static_cast<double>(n)},
                {"val_loss", valLoss},
                {"val_auc", auc},
                {"seconds", seconds},
                {"improved", improved}});
      AtomicFile::write(dir_ / "training-log.json", log_.dump(2));
    }
    progress.finish();
    torch::load(net, best.string());
    net->eval();
    return {net, state.bestAuc, state.bestEpoch, seed};
  }

 private:
  const TrainingConfig& c_;
  std::filesystem::path dir_;
  std::string tag_;
  nlohmann::json& log_;

  void logEpoch(nlohmann::json record) { log_.push_back(std::move(record)); }
};

/// Training time summed over every logged epoch (a resumed run includes earlier sessions).
double epochSeconds(const nlohmann::json& log) {
  double total = 0.0;
  for (const auto& e : log) total += e.value("seconds", 0.0);
  return total;
}

double chooseThreshold(const std::string& rule, const std::vector<double>& probabilities,
                       const std::vector<int>& labels) {
  if (rule == "balanced") return 0.5;
  if (rule == "youden") {
    const auto roc = BinaryMetrics::rocCurve(probabilities, labels);
    double best = 0.5, bestJ = -1;
    for (const auto& p : roc) {
      if (!std::isfinite(p.threshold)) continue;
      const double j = p.y - p.x;
      if (j > bestJ) {
        bestJ = j;
        best = p.threshold;
      }
    }
    return best;
  }
  const double target = std::stod(rule.substr(std::string("sensitivity:").size()));
  return BinaryMetrics::thresholdForSensitivity(probabilities, labels, target);
}

}  // namespace

ModelTrainer::ModelTrainer(TrainingConfig config, std::filesystem::path outputFolder, int threads,
                           std::string commandLine)
    : config_(std::move(config)),
      output_(std::move(outputFolder)),
      threads_(threads),
      commandLine_(std::move(commandLine)) {}

ModelManifest ModelTrainer::run(bool resume) {
  torch::set_num_threads(resolveThreadCount(threads_));
  const auto started = std::chrono::system_clock::now();
  if (std::error_code ec; !std::filesystem::create_directories(output_ / "checkpoints", ec) && ec) {
    throw Error(ErrorCode::FileWriteFailed,
                (output_ / "checkpoints").string() + ": cannot create: " + ec.message());
  }
  const ImagePreprocessor pre(config_.preprocessing);
  nlohmann::json log = nlohmann::json::array();
  // The epoch log is kept with the checkpoints so a resumed run reports the whole history.
  const auto logPath = output_ / "checkpoints" / "training-log.json";
  if (resume && std::filesystem::exists(logPath)) {
    std::ifstream in(logPath);
    try {
      log = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
      log = nlohmann::json::array();
    }
  }
  std::vector<MemberResult> members;
  std::vector<double> validationLogits;
  std::vector<int> validationLabels;
  std::string validationDescription;
  const TrainingDataSets data = TrainingDataSets::load(config_, threads_);
  const std::string& dataHash = data.hash;
  const auto fingerprints = TrainingImageFingerprints::fromTrainingData(data);
  const std::size_t trainCount = data.fitted.size();

  if (config_.dataFormat == "npz") {
    const auto& train = data.fitted;
    const auto& val = *data.selection;
    const auto trainX = pre.toUnitBatch(train.images, threads_);
    const auto valX = pre.toUnitBatch(val.images, threads_);
    for (int m = 0; m < config_.members; ++m) {
      MemberTraining t(config_, output_ / "checkpoints", "member-" + std::to_string(m), log);
      members.push_back(t.train(trainX, train.labels, valX, val.labels,
                                config_.seed + static_cast<std::uint64_t>(m), resume));
    }
    std::vector<std::shared_ptr<ClassifierNetworkImpl>> nets;
    for (const auto& m : members) nets.push_back(m.network);
    validationLogits = toVector(ensembleLogits(nets, valX, pre, config_.testTimeAugmentation,
                                               config_.augmentation.horizontalFlip));
    validationLabels = val.labels;
    validationDescription = "split '" + config_.valSplit + "' of " +
                            config_.dataPath.filename().string() +
                            " (also used for early stopping and calibration, so optimistic)";
  } else {
    const auto& all = data.fitted;  // cross-validation: every row is fitted on
    const auto x = pre.toUnitBatch(all.images, threads_);
    // Every fold needs a case of each class to be validated on.
    std::size_t positives = 0;
    for (const int y : all.labels) positives += y == 1 ? 1 : 0;
    const std::size_t smaller = std::min(positives, all.labels.size() - positives);
    if (smaller < static_cast<std::size_t>(config_.crossValidationFolds)) {
      throw Error(ErrorCode::InvalidConfiguration,
                  config_.dataPath.string() + ": cv_folds " +
                      std::to_string(config_.crossValidationFolds) +
                      " needs at least as many "
                      "images of each label; the smaller class has " +
                      std::to_string(smaller));
    }
    const auto folds =
        StratifiedSplitter::folds(all.labels, config_.crossValidationFolds, config_.splitSeed);
    validationLogits.assign(all.size(), 0.0);
    validationLabels = all.labels;
    for (std::size_t f = 0; f < folds.size(); ++f) {
      std::vector<char> inVal(all.size(), 0);
      for (auto i : folds[f]) inVal[i] = 1;
      std::vector<int64_t> trainIdx, valIdx;
      std::vector<int> trainLabels, valLabels;
      for (std::size_t i = 0; i < all.size(); ++i) {
        (inVal[i] ? valIdx : trainIdx).push_back(static_cast<int64_t>(i));
        (inVal[i] ? valLabels : trainLabels).push_back(all.labels[i]);
      }
      const auto trainX = x.index_select(0, torch::tensor(trainIdx));
      const auto valX = x.index_select(0, torch::tensor(valIdx));
      MemberTraining t(config_, output_ / "checkpoints", "fold-" + std::to_string(f), log);
      members.push_back(t.train(trainX, trainLabels, valX, valLabels,
                                config_.seed + static_cast<std::uint64_t>(f), resume));
      // Out-of-fold logits: each image scored only by the model that never trained on it.
      const auto oof =
          toVector(ensembleLogits({members.back().network}, valX, pre, config_.testTimeAugmentation,
                                  config_.augmentation.horizontalFlip));
      for (std::size_t k = 0; k < folds[f].size(); ++k) validationLogits[folds[f][k]] = oof[k];
    }
    validationDescription = std::to_string(folds.size()) +
                            "-fold cross-validation out-of-fold "
                            "predictions on " +
                            config_.dataPath.filename().string() +
                            " (folds also used for early stopping, so slightly optimistic)";
  }

  ModelManifest manifest;
  manifest.name = config_.name;
  manifest.version = config_.version;
  manifest.description = config_.description;
  manifest.labels = config_.labels;
  manifest.architecture = config_.architecture;
  manifest.preprocessing = config_.preprocessing;
  manifest.testTimeAugmentation = config_.testTimeAugmentation;
  manifest.allowFlip = config_.augmentation.horizontalFlip;
  manifest.acceptedModalities = config_.acceptedModalities;
  manifest.gradcamLayer = members.front().network->featureLayerName();
  // A run that diverged (too high a learning rate) gives NaN or infinite outputs: that is a
  // failed training, not a metrics problem.
  const auto bad = std::count_if(validationLogits.begin(), validationLogits.end(),
                                 [](double z) { return !std::isfinite(z); });
  if (bad > 0) {
    throw Error(ErrorCode::TrainingFailed,
                config_.name + ": training diverged: " + std::to_string(bad) + " of " +
                    std::to_string(validationLogits.size()) +
                    " validation outputs are not finite; lower train.learning_rate");
  }
  manifest.temperature =
      config_.calibrate ? TemperatureScaler::fit(validationLogits, validationLabels) : 1.0;
  std::vector<double> probabilities;
  for (double z : validationLogits)
    probabilities.push_back(TemperatureScaler::probability(z, manifest.temperature));
  manifest.threshold = chooseThreshold(config_.operatingPoint, probabilities, validationLabels);
  manifest.thresholdRule = config_.operatingPoint;
  for (std::size_t m = 0; m < members.size(); ++m) {
    const std::string file = "weights-" + std::to_string(m) + ".pt";
    AtomicFile::writeWith(output_ / file, [&](const std::filesystem::path& tmp) {
      torch::save(members[m].network, tmp.string());
    });
    manifest.members.push_back({file, Sha256::ofFile(output_ / file), members[m].seed,
                                members[m].bestAuc, members[m].bestEpoch});
  }
  const auto evaluation =
      BinaryEvaluation::compute(probabilities, validationLabels, manifest.threshold);
  manifest.validation = evaluation.toJson();
  manifest.validation["data"] = validationDescription;
  manifest.validation["expected_calibration_error"] =
      BinaryMetrics::expectedCalibrationError(probabilities, validationLabels);
  const auto finished = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(finished);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  manifest.training = {
      {"command", commandLine_},
      {"config", config_.raw},
      {"data", config_.dataPath.filename().string()},
      {"data_sha256", dataHash},
      {"training_images", trainCount},
      {"medsight_version", kVersion},
      {"medsight_commit", kGitCommit},
      {"finished_utc", date},
      {"seconds", epochSeconds(log)},
      {"seconds_this_run", std::chrono::duration<double>(finished - started).count()},
      {"threads", resolveThreadCount(threads_)},
      {"log", log}};
  manifest.training["image_fingerprints"] = fingerprints.write(output_);
  manifest.write(output_);
  AtomicFile::write(logPath, log.dump(2));
  return manifest;
}

}  // namespace medsight

#include "segmentation/SegmentationTrainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/ParallelFor.h"
#include "core/ProgressReporter.h"
#include "models/UNet.h"
#include "segmentation/DiceCrossEntropyLoss.h"
#include "segmentation/SliceAxisView.h"
#include "segmentation/TumourPatchSampler.h"

namespace medsight {

SegmentationTrainer::SegmentationTrainer(SegmentationTrainingConfig config, int threads)
    : config_(std::move(config)), threads_(threads) {}

nlohmann::json SegmentationTrainer::train(const std::vector<const SegmentationCase*>& cases,
                                          const std::filesystem::path& weights, std::uint64_t seed,
                                          const std::string& label) const {
  if (cases.empty()) throw Error(ErrorCode::EmptyInput, label + ": no training cases");
  torch::set_num_threads(resolveThreadCount(threads_));
  torch::manual_seed(seed);

  UNet net(config_.network);
  torch::optim::AdamW optimizer(
      net->parameters(),
      torch::optim::AdamWOptions(config_.learningRate).weight_decay(config_.weightDecay));

  // Resume from a checkpoint of an interrupted run.
  const auto checkpoint = std::filesystem::path(weights.string() + ".checkpoint");
  const auto checkpointOptimizer = std::filesystem::path(weights.string() + ".optimizer");
  const auto checkpointState = std::filesystem::path(weights.string() + ".state.json");
  int start = 0;
  nlohmann::json log = {
      {"label", label}, {"cases", cases.size()}, {"curve", nlohmann::json::array()}};
  double previousSeconds = 0.0;
  if (std::filesystem::exists(checkpointState)) {
    std::ifstream in(checkpointState);
    const auto state = nlohmann::json::parse(in);
    torch::load(net, checkpoint.string());
    torch::load(optimizer, checkpointOptimizer.string());
    start = state.at("next_iteration").get<int>();
    log = state.at("log");
    previousSeconds = log.value("seconds", 0.0);
    spdlog::info("{}: resuming at iteration {}", label, start);
  }

  std::vector<const Image*> images, masks;
  std::vector<std::vector<const Image*>> auxiliary;
  // A network reading slices across another axis trains on views of the cases (SliceAxisView),
  // as SlidingWindowInferer runs it; std::deque keeps the views' addresses stable.
  const SliceAxisView view(config_.inference.sliceAxis);
  std::deque<Image> views;
  auto use = [&](const Image& image) -> const Image* {
    if (view.identity()) return &image;
    views.push_back(view.toView(image));
    return &views.back();
  };
  for (const auto* c : cases) {
    images.push_back(use(c->image));
    masks.push_back(use(c->mask));
    if (!config_.auxiliary.empty()) {
      auxiliary.emplace_back();
      for (const auto& a : c->auxiliary) auxiliary.back().push_back(use(a));
    }
  }
  // What the sampler reads, recorded so that a reader (and a test) can see which slices a
  // network was trained on.
  log["slice_axis"] = config_.inference.sliceAxis;
  log["seed"] = seed;
  log["volumes_read"] = nlohmann::json::array();
  for (const Image* image : images) {
    log["volumes_read"].push_back({image->size().x, image->size().y, image->size().z});
  }
  if (config_.augmentation.rotate90 && config_.network.dimensions == 2) {
    const auto& spacing = images.front()->geometry().spacing;
    if (std::abs(spacing[0] - spacing[1]) > 0.1 * std::max(spacing[0], spacing[1])) {
      spdlog::warn(
          "{}: 90-degree rotations swap the slices' unequal in-plane spacings ({:.2f} and "
          "{:.2f} mm); set training.augmentation.rotate90 false",
          label, spacing[0], spacing[1]);
    }
  }
  // Reseeding with the start iteration keeps a resumed run reproducible from that point.
  TumourPatchSampler sampler(images, masks, config_.inference.patchSize,
                             config_.inference.contextSlices, config_.foregroundFraction,
                             config_.augmentation, seed * 1000003ull + static_cast<unsigned>(start),
                             config_.inference.positionChannels, auxiliary);
  const DiceCrossEntropyLoss loss(config_.diceWeight);
  const auto [px, py, pz] = config_.inference.patchSize;
  const int channels = sampler.channels();

  net->train();
  ProgressReporter progress(label, static_cast<std::size_t>(config_.iterations));
  progress.advance(static_cast<std::size_t>(start));
  const auto t0 = std::chrono::steady_clock::now();
  const int logEvery = std::max(1, std::min(50, config_.iterations / 10));
  double runningLoss = 0.0, runningDice = 0.0;
  int running = 0;
  for (int it = start; it < config_.iterations; ++it) {
    // Linear warm-up, then cosine decay to 1 % of the peak rate.
    double lr = config_.learningRate;
    if (it < config_.warmupIterations) {
      lr *= static_cast<double>(it + 1) / config_.warmupIterations;
    } else {
      const double p = static_cast<double>(it - config_.warmupIterations) /
                       std::max(1, config_.iterations - config_.warmupIterations);
      lr *= 0.01 + 0.99 * 0.5 * (1.0 + std::cos(M_PI * p));
    }
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    }

    std::vector<float> input;
    std::vector<std::int64_t> target;
    for (int b = 0; b < config_.batchSize; ++b) {
      TrainingPatch patch = sampler.draw();
      input.insert(input.end(), patch.input.begin(), patch.input.end());
      target.insert(target.end(), patch.target.begin(), patch.target.end());
    }
    std::vector<int64_t> inShape{config_.batchSize, channels}, tShape{config_.batchSize};
    if (config_.network.dimensions == 3) {
      inShape.push_back(pz);
      tShape.push_back(pz);
    }
    for (int64_t e : {static_cast<int64_t>(py), static_cast<int64_t>(px)}) {
      inShape.push_back(e);
      tShape.push_back(e);
    }
    const auto x = torch::from_blob(input.data(), inShape, torch::kFloat32);
    const auto y = torch::from_blob(target.data(), tShape, torch::kInt64);

    optimizer.zero_grad();
    const auto logits = net->forward(x);
    const auto l = loss(logits, y);
    if (!std::isfinite(l.item<double>())) {
      throw Error(ErrorCode::TrainingFailed,
                  label + ": loss became " + std::to_string(l.item<double>()) + " at iteration " +
                      std::to_string(it + 1) + "; lower the learning rate");
    }
    l.backward();
    optimizer.step();
    {
      torch::NoGradGuard g;
      runningDice +=
          DiceCrossEntropyLoss::softDice(torch::softmax(logits, 1), y, 1e-5).item<double>();
    }
    runningLoss += l.item<double>();
    ++running;
    progress.advance();
    if ((it + 1) % logEvery == 0 || it + 1 == config_.iterations) {
      const double seconds =
          previousSeconds +
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      log["curve"].push_back({{"iteration", it + 1},
                              {"loss", runningLoss / running},
                              {"soft_dice", runningDice / running},
                              {"lr", lr},
                              {"seconds", seconds}});
      log["seconds"] = seconds;
      progress.setStatus("loss " + std::to_string(runningLoss / running).substr(0, 6));
      spdlog::info("{} iteration {}/{} loss {:.4f} soft-Dice {:.3f} ({:.0f} s)", label, it + 1,
                   config_.iterations, runningLoss / running, runningDice / running, seconds);
      runningLoss = runningDice = 0.0;
      running = 0;
    }
    if ((it + 1) % 250 == 0 && it + 1 < config_.iterations) {
      torch::save(net, checkpoint.string());
      torch::save(optimizer, checkpointOptimizer.string());
      AtomicFile::write(checkpointState,
                        nlohmann::json{{"next_iteration", it + 1}, {"log", log}}.dump());
    }
  }
  progress.finish();
  AtomicFile::writeWith(weights, [&](const std::filesystem::path& tmp) {
    net->eval();
    torch::save(net, tmp.string());
  });
  std::error_code ec;
  for (const auto& p : {checkpoint, checkpointOptimizer, checkpointState}) {
    std::filesystem::remove(p, ec);
  }
  log["iterations"] = config_.iterations;
  return log;
}

}  // namespace medsight

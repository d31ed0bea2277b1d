#include "SyntheticBlobModel.h"

#include <torch/torch.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "core/Sha256.h"
#include "io/NpzWriter.h"
#include "models/ClassifierNetwork.h"
#include "models/ModelManifest.h"
#include "models/ModelTrainer.h"
#include "support/TestData.h"

namespace medsight::test {
namespace {

constexpr int kSide = 28;
constexpr int kSquare = 6;

nlohmann::json blobConfig(const std::filesystem::path& npz) {
  return {{"name", "blob"},
          {"version", "0.1.0"},
          {"description", "synthetic bright-square detector (tests)"},
          {"labels", {"absent", "present"}},
          {"data", {{"format", "npz"}, {"path", npz.string()}}},
          {"model", {{"name", "resnet18"}, {"width", 4}}},
          {"preprocess", {{"height", kSide}, {"width", kSide}}},
          {"train", {{"epochs", 4}, {"batch_size", 32}, {"learning_rate", 0.003}, {"seed", 5}}},
          {"deploy", {{"accepted_modalities", {"CR", "DX", "OT"}}}}};
}

}  // namespace

BlobDataset writeBlobDataset(const std::filesystem::path& npz, std::size_t train, std::size_t val,
                             std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 18.0);
  std::uniform_int_distribution<int> place(1, kSide - kSquare - 1);
  BlobDataset set;
  set.npz = npz;
  NpzWriter writer(npz);
  for (const std::string split : {"train", "val"}) {
    const std::size_t n = split == "train" ? train : val;
    std::vector<std::uint8_t> pixels(n * kSide * kSide);
    std::vector<std::int64_t> labels(n);
    for (std::size_t i = 0; i < n; ++i) {
      const int label = static_cast<int>(i % 2);
      labels[i] = label;
      // Smooth background: noise averaged over 3x3 around a mid grey.
      std::vector<double> raw(kSide * kSide);
      for (auto& v : raw) v = noise(rng);
      auto* img = pixels.data() + i * kSide * kSide;
      for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
          double s = 0;
          int c = 0;
          for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
              const int yy = y + dy, xx = x + dx;
              if (yy < 0 || xx < 0 || yy >= kSide || xx >= kSide) continue;
              s += raw[static_cast<std::size_t>(yy * kSide + xx)];
              ++c;
            }
          }
          img[y * kSide + x] =
              static_cast<std::uint8_t>(std::clamp(110.0 + 2.0 * s / c, 0.0, 255.0));
        }
      }
      const int sx = place(rng), sy = place(rng);
      for (int y = sy; y < sy + kSquare; ++y) {
        for (int x = sx; x < sx + kSquare; ++x) img[y * kSide + x] = label == 1 ? 230 : 25;
      }
      if (split == "val") {
        set.valSquares.push_back({sx, sy, kSquare});
        set.valLabels.push_back(label);
      }
    }
    writer.add(split + "_images", "|u1",
               {n, static_cast<std::size_t>(kSide), static_cast<std::size_t>(kSide)},
               std::as_bytes(std::span(pixels)));
    writer.addInt64(split + "_labels", {n, 1}, labels);
  }
  writer.close();
  return set;
}

const BlobModel& trainedBlobModel() {
  static BlobModel model;
  if (!model.folder.empty()) return model;
  // ctest runs every test in its own process: the model is trained once per build folder and
  // shared through a cache guarded by a lock (tests may run in parallel).
  const char* binary = std::getenv("MEDSIGHT_BINARY_DIR");
  const auto cache = binary ? std::filesystem::path(binary) / "test-cache" / "blob-model-v3"
                            : temporaryDirectory("blob") / "cache";
  std::filesystem::create_directories(cache);
  const int lock = ::open((cache / "lock").c_str(), O_CREAT | O_RDWR, 0600);
  if (lock >= 0) ::flock(lock, LOCK_EX);
  model.data = writeBlobDataset(cache / "blob.npz", 400, 120, 11);
  model.folder = cache / "model";
  if (!std::filesystem::exists(model.folder / "manifest.json")) {
    const auto staging = cache / "model.staging";
    std::filesystem::remove_all(staging);
    const auto config = TrainingConfig::fromJson(blobConfig(model.data.npz), cache / "blob.json");
    ModelTrainer(config, staging, 2, "test: synthetic blob model").run();
    std::filesystem::remove_all(model.folder);
    std::filesystem::rename(staging, model.folder);
  }
  if (lock >= 0) {
    ::flock(lock, LOCK_UN);
    ::close(lock);
  }
  return model;
}

std::filesystem::path untrainedBlobPackage() {
  static std::filesystem::path folder;
  if (folder.empty()) {
    folder = temporaryDirectory("blob-untrained") / "model";
    std::filesystem::create_directories(folder);
    ModelManifest m;
    m.name = "blob-untrained";
    m.labels = {"absent", "present"};
    m.architecture.name = "resnet18";
    m.architecture.width = 4;
    m.architecture.inputSize = kSide;
    m.preprocessing.height = kSide;
    m.preprocessing.width = kSide;
    m.acceptedModalities = {"CR", "DX", "OT"};
    torch::manual_seed(3);
    auto net = createClassifierNetwork(m.architecture);
    m.gradcamLayer = net->featureLayerName();
    torch::save(net, (folder / "weights-0.pt").string());
    m.members.push_back({"weights-0.pt", Sha256::ofFile(folder / "weights-0.pt"), 3, 0.5, 0});
    m.write(folder);
  }
  return folder;
}

}  // namespace medsight::test

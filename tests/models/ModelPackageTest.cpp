#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "io/NpzWriter.h"
#include "models/ImageClassifier.h"
#include "models/LabeledImageSet.h"
#include "models/ModelTrainer.h"
#include "support/TestData.h"

namespace medsight {
namespace {

nlohmann::json smokeConfig(const std::filesystem::path& npz) {
  return {{"name", "smoke"},
          {"labels", {"normal", "pneumonia"}},
          {"data",
           {{"format", "npz"}, {"path", npz.string()}, {"train_limit", 600}, {"val_limit", 300}}},
          {"model", {{"name", "resnet18"}, {"width", 8}}},
          {"preprocess", {{"height", 28}, {"width", 28}}},
          {"augment", {{"rotation_degrees", 5}}},
          {"train", {{"epochs", 3}, {"batch_size", 32}, {"learning_rate", 0.003}, {"seed", 3}}},
          {"deploy", {{"accepted_modalities", {"CR", "DX", "OT"}}}}};
}

/// Trains the smoke model once for all tests of this suite.
const std::filesystem::path& trainedSmokeModel(const std::filesystem::path& npz) {
  static std::filesystem::path folder;
  if (folder.empty()) {
    folder = test::temporaryDirectory("model") / "smoke";
    const auto config = TrainingConfig::fromJson(smokeConfig(npz), "smoke.json");
    ModelTrainer(config, folder, 2, "test").run();
  }
  return folder;
}

}  // namespace

TEST(ModelTrainingData, ShortTrainingLearnsAndWritesAVerifiedPackage) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  const auto& folder = trainedSmokeModel(npz);
  const ModelManifest m = ModelManifest::read(folder);
  const auto& log = m.training["log"];
  ASSERT_GE(log.size(), 2u);
  EXPECT_LT(log.back()["train_loss"].get<double>(), log.front()["train_loss"].get<double>())
      << "training loss did not fall";
  // Chance is 0.5; three short epochs on 600 images must clearly beat it.
  EXPECT_GT(m.validation["metrics"]["auc"]["value"].get<double>(), 0.8);
  EXPECT_EQ(m.training["data_sha256"].get<std::string>().size(), 64u);
  EXPECT_NO_THROW(m.verify(folder));
}

TEST(ModelTrainingData, SaveLoadPredictIsDeterministic) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  const auto& folder = trainedSmokeModel(npz);
  const auto val = LabeledImageSet::fromNpz(npz, "val");
  std::vector<Image> images(val.images.begin(), val.images.begin() + 20);
  const auto a = ImageClassifier::load(folder, 2).predict(images);
  const auto b = ImageClassifier::load(folder, 1).predict(images);
  ASSERT_EQ(a.size(), 20u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i].logit, b[i].logit, 1e-5);
    EXPECT_GE(a[i].probability, 0.0);
    EXPECT_LE(a[i].probability, 1.0);
  }
}

TEST(ModelTrainingData, TamperedWeightsAreRefused) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  const auto& folder = trainedSmokeModel(npz);
  const auto copy = test::temporaryDirectory("tampered") / "m";
  std::filesystem::copy(folder, copy, std::filesystem::copy_options::recursive);
  test::flipByte(copy / "weights-0.pt", 200);
  try {
    ImageClassifier::load(copy);
    FAIL() << "tampered weights were loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelTampered) << e.what();
  }
  std::ofstream(copy / "manifest.json") << "{ not json";
  try {
    ImageClassifier::load(copy);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelInvalid) << e.what();
  }
}

TEST(ModelTrainingData, QualityGateRefusesWrongModalityAndVolumes) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  const auto classifier = ImageClassifier::load(trainedSmokeModel(npz));
  Image ct(PixelType::Int16, {28, 28, 1, 1}, 2);
  ct.setModality("CT");
  try {
    classifier.predict({ct});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::WrongModality) << e.what();
  }
  Image volume(PixelType::UInt8, {28, 28, 5, 1}, 3);
  volume.setModality("OT");
  EXPECT_THROW(classifier.predict({volume}), Error);
}

// A training run never writes into a folder that holds files (an existing package, or data)
// unless told to resume, and a model card is only ever a Markdown file.
TEST(TrainCommand, AnOccupiedOutputFolderOrANonMarkdownCardIsRefused) {
  const auto tmp = test::temporaryDirectory("train-out");
  std::ofstream(tmp / "c.json")
      << R"({"name": "x", "labels": ["a", "b"], "data": {"format": "npz", "path": "/"}})";
  std::filesystem::create_directories(tmp / "package");
  std::ofstream(tmp / "package" / "weights-0.pt") << "an earlier model";
  const std::string train =
      test::medsightExecutable().string() + " -q train --config " + (tmp / "c.json").string();
  std::string out, err;
  EXPECT_EQ(test::runCommand(train + " --out " + (tmp / "package").string(), &out, &err),
            Error(ErrorCode::InvalidArgument, "").exitCode())
      << err;
  EXPECT_NE(err.find("not empty"), std::string::npos) << err;
  EXPECT_EQ(test::runCommand(train + " --out " + (tmp / "c.json").string(), &out, &err),
            Error(ErrorCode::InvalidArgument, "").exitCode())
      << err;
  EXPECT_NE(err.find("is a file"), std::string::npos) << err;
  EXPECT_EQ(test::runCommand(test::medsightExecutable().string() + " -q model-card --model " +
                                 (tmp / "package").string() + " --out " +
                                 (tmp / "package" / "manifest.json").string(),
                             &out, &err),
            Error(ErrorCode::InvalidArgument, "").exitCode())
      << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "package" / "manifest.json"));
  std::ifstream in(tmp / "package" / "weights-0.pt");
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "an earlier model");
}

TEST(TrainingConfig, RejectsUnknownKeysBadValuesAndMissingData) {
  const nlohmann::json good{
      {"name", "x"}, {"labels", {"a", "b"}}, {"data", {{"format", "npz"}, {"path", "/"}}}};
  EXPECT_NO_THROW(TrainingConfig::fromJson(good, "c.json"));
  auto bad = good;
  bad["colour"] = "red";
  EXPECT_THROW(TrainingConfig::fromJson(bad, "c.json"), Error);
  bad = good;
  bad["labels"] = {"a", "b", "c"};
  EXPECT_THROW(TrainingConfig::fromJson(bad, "c.json"), Error);
  bad = good;
  bad["train"] = {{"epochs", 0}};
  EXPECT_THROW(TrainingConfig::fromJson(bad, "c.json"), Error);
  bad["train"] = {{"learning_rate", 1e308}};  // diverges at once
  EXPECT_THROW(TrainingConfig::fromJson(bad, "c.json"), Error);
  bad = good;
  bad["data"]["cv_folds"] = 100;
  EXPECT_THROW(TrainingConfig::fromJson(bad, "c.json"), Error);
  bad = good;
  bad["data"]["path"] = "no/such/data.npz";
  try {
    TrainingConfig::fromJson(bad, "c.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileNotFound);
  }
  const auto dir = test::temporaryDirectory("config");
  std::ofstream(dir / "broken.json") << "{\"name\": ";
  try {
    TrainingConfig::fromFile(dir / "broken.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadJson);
  }
  // The same config in YAML reads alike: here a valid YAML file that is not a mapping.
  std::ofstream(dir / "list.yaml") << "- name: x\n";
  try {
    TrainingConfig::fromFile(dir / "list.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    EXPECT_NE(std::string(e.what()).find("must be an object"), std::string::npos) << e.what();
  }
}

// The same image listed twice was counted twice (N and the CIs of eval and validate); caught
// while the rows are read, before any image is loaded.
TEST(LabeledImageSet, AnImageListedTwiceIsRefused) {
  const auto dir = test::temporaryDirectory("labels-twice");
  std::ofstream(dir / "labels.csv") << "image,label\na.png,0\nb.png,1\n./a.png,1\n";
  try {
    LabeledImageSet::fromCsv(dir / "labels.csv", "image", "label", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("is listed again (first on line 2)"), std::string::npos)
        << e.what();
  }
}

TEST(ModelTraining, SingleClassTrainingSetIsRefused) {
  const auto dir = test::temporaryDirectory("oneclass");
  NpzWriter writer(dir / "one.npz");
  std::vector<std::uint8_t> pixels(20 * 28 * 28, 100);
  std::vector<std::int64_t> labels(20, 1);
  writer.add("train_images", "|u1", {20, 28, 28}, std::as_bytes(std::span(pixels)));
  writer.addInt64("train_labels", {20, 1}, labels);
  writer.add("val_images", "|u1", {20, 28, 28}, std::as_bytes(std::span(pixels)));
  writer.addInt64("val_labels", {20, 1}, labels);
  writer.close();
  nlohmann::json j{{"name", "x"},
                   {"labels", {"a", "b"}},
                   {"data", {{"format", "npz"}, {"path", (dir / "one.npz").string()}}},
                   {"model", {{"width", 4}}},
                   {"train", {{"epochs", 1}, {"batch_size", 8}}}};
  try {
    ModelTrainer(TrainingConfig::fromJson(j, "x.json"), dir / "out", 1, "test").run();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::LabelMismatch) << e.what();
  }
}

}  // namespace medsight

// `medsight classical train|eval|predict` end to end on real tables, and its exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::string run(const std::string& args, int* status, std::string* err = nullptr) {
  std::string out, errText;
  *status = test::runCommand(test::medsightExecutable().string() + " " + args, &out, &errText);
  if (err) *err = errText;
  return out;
}

int exitCodeOf(ErrorCode code) {
  return errorCodeInfo(code).exitCode;
}

TEST(ClassicalCommandE2E, WdbcTrainEvalPredictAndTamperedModel) {
  MEDSIGHT_DATASET(wdbc, "wdbc/wdbc.csv");
  const auto tmp = test::temporaryDirectory("classical-cli");
  const std::string model = (tmp / "wdbc-model").string();
  const std::string data = "--features " + wdbc.string() + " --label-column diagnosis";
  int status = 0;
  std::string err;
  const std::string trained = run("classical train " + data +
                                      " --positive M --learner logistic_l2,decision_tree --folds 3 "
                                      "--inner-folds 3 --permutation-repeats 1 --out " +
                                      model + " --json",
                                  &status, &err);
  ASSERT_EQ(status, 0) << err;
  const auto t = nlohmann::json::parse(trained);
  const double cvAuc = t["validation"]["out_of_fold"]["metrics"]["auc"]["value"];
  EXPECT_GT(cvAuc, 0.95);
  EXPECT_LE(t["validation"]["out_of_fold"]["metrics"]["auc"]["ci_lower"].get<double>(), cvAuc);
  EXPECT_EQ(t["validation"]["fold_auc"].size(), 3u);

  const auto e = nlohmann::json::parse(
      run("classical eval --model " + model + " " + data + " --json", &status, &err));
  ASSERT_EQ(status, 0) << err;
  EXPECT_EQ(e["samples"], 569);
  EXPECT_EQ(e["positives"], 212);
  EXPECT_GT(e["metrics"]["auc"]["value"].get<double>(), 0.95);

  run("classical predict --model " + model + " --features " + wdbc.string() +
          " --label-column diagnosis --explain 3 --out " + (tmp / "p.csv").string(),
      &status, &err);
  ASSERT_EQ(status, 0) << err;
  std::ifstream p(tmp / "p.csv");
  std::string line;
  int rows = 0;
  std::getline(p, line);
  EXPECT_EQ(line, "id,probability,prediction,top_contributions");
  while (std::getline(p, line)) ++rows;
  EXPECT_EQ(rows, 569);
  // --out naming the feature file it reads is refused before any work: the data are kept.
  std::filesystem::copy_file(wdbc, tmp / "features.csv");
  const auto size = std::filesystem::file_size(tmp / "features.csv");
  run("classical predict --model " + model + " --features " + (tmp / "features.csv").string() +
          " --label-column diagnosis --out " + (tmp / "features.csv").string(),
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::InvalidArgument)) << err;
  EXPECT_NE(err.find("is the --features file this command reads"), std::string::npos) << err;
  EXPECT_EQ(std::filesystem::file_size(tmp / "features.csv"), size);

  run("classical card --model " + model, &status, &err);
  ASSERT_EQ(status, 0) << err;
  std::ifstream cardFile(std::filesystem::path(model) / "MODEL_CARD.md");
  const std::string card((std::istreambuf_iterator<char>(cardFile)),
                         std::istreambuf_iterator<char>());
  for (const char* section : {"## Validation metrics", "| auc |", "## Limitations", "Outer folds",
                              "## Files", "## Reproduce", "medsight classical train --features"}) {
    EXPECT_NE(card.find(section), std::string::npos) << section;
  }

  { std::ofstream(std::filesystem::path(model) / "model.json", std::ios::app) << " "; }
  run("classical eval --model " + model + " " + data, &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::ModelTampered)) << err;
  EXPECT_NE(err.find("refusing to load"), std::string::npos) << err;
}

TEST(ClassicalCommandE2E, BadTrainingInputsAreRefusedWithClearErrors) {
  const auto tmp = test::temporaryDirectory("classical-bad");
  std::ofstream(tmp / "x.csv") << "id,a,b\nP1,1,2\nP2,2,3\nP3,3,1\nP4,4,4\nP5,5,5\nP6,6,1\n";
  std::ofstream(tmp / "one.csv") << "id,label\nP1,1\nP2,1\nP3,1\nP4,1\nP5,1\nP6,1\n";
  std::ofstream(tmp / "short.csv") << "id,label\nP1,1\nP2,0\nP3,1\n";
  std::ofstream(tmp / "nan.csv") << "id,a,b\nP1,1,2\nP2,NaN,3\nP3,3,1\nP4,4,4\nP5,5,5\nP6,6,1\n";
  std::ofstream(tmp / "y.csv") << "id,label\nP1,1\nP2,0\nP3,1\nP4,0\nP5,1\nP6,0\n";
  const std::string out = " --out " + (tmp / "m").string();
  int status = 0;
  std::string err;
  run("classical train --features " + (tmp / "x.csv").string() + " --labels " +
          (tmp / "one.csv").string() + out,
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::LabelMismatch)) << err;
  EXPECT_NE(err.find("only one class"), std::string::npos) << err;
  run("classical train --features " + (tmp / "x.csv").string() + " --labels " +
          (tmp / "short.csv").string() + out,
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::InvalidArgument)) << err;
  EXPECT_NE(err.find("P4"), std::string::npos) << err;
  run("classical train --features " + (tmp / "nan.csv").string() + " --labels " +
          (tmp / "y.csv").string() + out,
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::InvalidArgument)) << err;
  EXPECT_NE(err.find("NaN"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "m"));  // nothing half-written
  run("classical eval --model " + (tmp / "nowhere").string() + " --features " +
          (tmp / "x.csv").string() + " --labels " + (tmp / "y.csv").string(),
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::ModelInvalid)) << err;
}

TEST(ClassicalCommandData, RosmapHeaderlessRowAlignedOmicsTrainAndPredict) {
  MEDSIGHT_DATASET(rosmap, "rosmap");
  const auto tmp = test::temporaryDirectory("classical-rosmap");
  const std::string features = " --features " + (rosmap / "1_tr.csv").string() + " " +
                               (rosmap / "2_tr.csv").string() + " " +
                               (rosmap / "3_tr.csv").string();
  int status = 0;
  std::string err;
  run("classical train" + features + " --labels " + (rosmap / "labels_tr.csv").string() +
          " --learner logistic_l2 --no-nested-cv --out " + (tmp / "m").string(),
      &status, &err);
  ASSERT_EQ(status, 0) << err;
  const auto p = nlohmann::json::parse(run(
      "classical predict --model " + (tmp / "m").string() + features + " --json", &status, &err));
  ASSERT_EQ(status, 0) << err;
  EXPECT_EQ(p["predictions"].size(), 245u);
  // Two files only: the model needs all 600 columns.
  run("classical predict --model " + (tmp / "m").string() + " --features " +
          (rosmap / "1_tr.csv").string() + " " + (rosmap / "2_tr.csv").string(),
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::InvalidArgument)) << err;
}

}  // namespace
}  // namespace medsight

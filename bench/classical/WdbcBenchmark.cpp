// WDBC: MedSight's SVM, random forest, gradient boosting and logistic regression against
// scikit-learn on the same 10 x repeated stratified 5-fold splits, in one run: mean fold AUC and
// accuracy with 95% CIs, and the summed fit time of the 50 fits. Fixed hyper-parameters equal to
// scikit-learn's defaults (SVC C=1, gamma="scale"; 500 trees; 100 boosting rounds of depth 3,
// learning rate 0.1; logistic C=1), standardisation inside each fit, no class weights.
//
//   medsight_bench_classical [--data WDBC.csv] [--peer sklearn_wdbc.py] [--repeats N]
//                            [--threads N] [--smoke]
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "classical/BinaryLabels.h"
#include "classical/BoostedTreesClassifier.h"
#include "classical/ClassificationPipeline.h"
#include "classical/FeatureTableReader.h"
#include "classical/StratifiedFolds.h"
#include "core/DatasetLocator.h"
#include "eval/BinaryMetrics.h"

using namespace medsight;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Summary {
  double mean = 0, lower = 0, upper = 0;
};

/// Mean with a t-based 95% interval over folds (folds share training rows, so the interval
/// is optimistic; it is the conventional summary of repeated CV).
Summary summarise(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v) mean += x;
  mean /= double(v.size());
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  var /= double(v.size() - 1);
  const double half = (v.size() >= 30 ? 2.01 : 2.26) * std::sqrt(var / double(v.size()));
  return {mean, mean - half, mean + half};
}

struct Result {
  std::vector<double> auc, accuracy;
  double fitSeconds = 0;
};

}  // namespace

int main(int argc, char** argv) {
  fs::path data, peer = fs::path(MEDSIGHT_BENCH_SOURCE_DIR) / "sklearn_wdbc.py";
  int repeats = 10, threads = 1;
  bool smoke = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc)
      data = argv[++i];
    else if (a == "--peer" && i + 1 < argc)
      peer = argv[++i];
    else if (a == "--repeats" && i + 1 < argc)
      repeats = std::max(1, std::atoi(argv[++i]));
    else if (a == "--threads" && i + 1 < argc)
      threads = std::max(1, std::atoi(argv[++i]));
    else if (a == "--smoke")
      smoke = true;
    else {
      std::fprintf(
          stderr,
          "usage: %s [--data WDBC.csv] [--peer script] [--repeats N] [--threads N] [--smoke]\n",
          argv[0]);
      return 2;
    }
  }
  if (smoke) repeats = 1;
  if (data.empty()) {
    const auto p = DatasetLocator::find("wdbc/wdbc.csv");
    if (!p) {
      std::fprintf(stderr, "wdbc/wdbc.csv not found (%s)\n",
                   DatasetLocator::searchedPlaces().c_str());
      return smoke ? 0 : 1;
    }
    data = *p;
  }
  try {
    RawLabels raw;
    const FeatureTable table = FeatureTableReader::read({data}, {"", "diagnosis"}, &raw);
    const BinaryLabels labels = BinaryLabels::fromRaw(raw, "M");
    BoostedTreesClassifier::setThreads(threads);
    // The splits both sides use.
    json folds = {{"repeats", json::array()}};
    std::vector<std::vector<int>> assignments;
    for (int r = 0; r < repeats; ++r) {
      assignments.push_back(StratifiedFolds::assign(labels.y, 5, 1000 + std::uint64_t(r)));
      folds["repeats"].push_back(assignments.back());
    }
    const fs::path foldsFile =
        fs::temp_directory_path() / ("medsight-wdbc-folds-" + std::to_string(getpid()) + ".json");
    std::ofstream(foldsFile) << folds.dump();

    const std::vector<std::pair<std::string, LearnerSpec>> learners{
        {"svm_rbf", {"svm_rbf", {{"C", 1.0}, {"gamma_scale", 1.0}}}},
        {"random_forest",
         {"random_forest", {{"trees", 500}, {"max_depth", 12}, {"subsample", 0.632}}}},
        {"gradient_boosting",
         {"xgboost",
          {{"rounds", 100},
           {"max_depth", 3},
           {"eta", 0.1},
           {"subsample", 1.0},
           {"colsample_bytree", 1.0}}}},
        {"logistic_l2", {"logistic_l2", {{"C", 1.0}}}}};
    std::map<std::string, Result> ours;
    for (const auto& [name, learner] : learners) {
      Result& res = ours[name];
      for (const auto& fold : assignments) {
        for (int f = 0; f < 5; ++f) {
          const auto trainRows = StratifiedFolds::members(fold, f, false);
          const auto testRows = StratifiedFolds::members(fold, f, true);
          std::vector<int> yTrain, yTest;
          for (auto r : trainRows) yTrain.push_back(labels.y[r]);
          for (auto r : testRows) yTest.push_back(labels.y[r]);
          const FeatureTable train = table.selectRows(trainRows), test = table.selectRows(testRows);
          PipelineSpec spec;
          spec.learner = learner;
          spec.balanced = false;
          const auto start = std::chrono::steady_clock::now();
          const auto pipeline = ClassificationPipeline::fit(train, yTrain, spec, "wdbc");
          res.fitSeconds +=
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const auto s = pipeline.score(test, "wdbc");
          res.auc.push_back(BinaryMetrics::auc(s, yTest));
          double correct = 0;
          for (std::size_t i = 0; i < s.size(); ++i) correct += (s[i] > 0) == (yTest[i] == 1);
          res.accuracy.push_back(correct / double(s.size()));
        }
      }
    }
    json theirs;
    const std::string command =
        "/usr/bin/python3 " + peer.string() + " " + data.string() + " " + foldsFile.string();
    if (FILE* pipe = popen(command.c_str(), "r")) {
      std::string text;
      char buf[4096];
      while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
      if (pclose(pipe) == 0 && !text.empty()) theirs = json::parse(text);
    }
    fs::remove(foldsFile);
    std::printf("WDBC (569 x 30, 212 M), %d x stratified 5-fold, same folds; XGBoost threads: %d\n",
                repeats, threads);
    std::printf("%-18s %-13s %-26s %-26s %10s\n", "learner", "engine", "AUC (95% CI)",
                "accuracy (95% CI)", "fit s");
    for (const auto& [name, learner] : learners) {
      const auto print = [&](const char* engine, const std::vector<double>& auc,
                             const std::vector<double>& acc, double seconds) {
        const Summary a = summarise(auc), b = summarise(acc);
        std::printf("%-18s %-13s %.4f (%.4f-%.4f)    %.4f (%.4f-%.4f)    %10.3f\n", name.c_str(),
                    engine, a.mean, a.lower, a.upper, b.mean, b.lower, b.upper, seconds);
      };
      print("medsight", ours[name].auc, ours[name].accuracy, ours[name].fitSeconds);
      if (theirs.contains("learners") && theirs["learners"].contains(name)) {
        const auto& t = theirs["learners"][name];
        print("scikit-learn", t["fold_auc"].get<std::vector<double>>(),
              t["fold_accuracy"].get<std::vector<double>>(), t["fit_seconds"].get<double>());
      } else {
        std::printf("%-18s %-13s (peer unavailable: %s)\n", name.c_str(), "scikit-learn",
                    command.c_str());
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "medsight_bench_classical: %s\n", e.what());
    return 1;
  }
  return 0;
}

#include "classical/HyperparameterSearch.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "classical/StratifiedFolds.h"
#include "core/Error.h"
#include "core/ParallelFor.h"
#include "eval/BinaryMetrics.h"

namespace medsight {
namespace {

using nlohmann::json;

std::vector<json> learnerGrid(const std::string& learner) {
  std::vector<json> out;
  if (learner == "svm_rbf") {
    for (double c : {0.3, 1.0, 3.0, 10.0, 30.0}) {
      for (double g : {0.3, 1.0, 3.0}) out.push_back({{"C", c}, {"gamma_scale", g}});
    }
  } else if (learner == "svm_linear") {
    for (double c : {0.001, 0.01, 0.1, 1.0}) out.push_back({{"C", c}});
  } else if (learner == "logistic_l2") {
    for (double c : {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0}) out.push_back({{"C", c}});
  } else if (learner == "logistic_l1") {
    for (double c : {0.03, 0.1, 0.3, 1.0, 3.0}) out.push_back({{"C", c}});
  } else if (learner == "xgboost") {
    for (int depth : {2, 3}) {
      for (int rounds : {100, 300}) {
        out.push_back({{"max_depth", depth},
                       {"rounds", rounds},
                       {"eta", 0.05},
                       {"subsample", 0.8},
                       {"colsample_bytree", 0.5}});
      }
    }
  } else if (learner == "random_forest") {
    for (double f : {0.0, 0.3}) {
      json p{{"trees", 500}, {"max_depth", 8}, {"subsample", 0.632}};
      if (f > 0) p["max_features"] = f;  // default: sqrt(p) / p
      out.push_back(p);
    }
  } else if (learner == "decision_tree") {
    for (int depth : {2, 3, 4}) {
      for (int leaf : {5, 10}) out.push_back({{"max_depth", depth}, {"min_samples", leaf}});
    }
  } else {
    throw Error(ErrorCode::InvalidArgument, "unknown learner '" + learner + "'");
  }
  return out;
}

}  // namespace

const std::vector<std::string>& HyperparameterSearch::autoLearners() {
  static const std::vector<std::string> names{"logistic_l2", "logistic_l1", "svm_linear",
                                              "svm_rbf",     "xgboost",     "random_forest"};
  return names;
}

std::vector<std::size_t> HyperparameterSearch::effectiveSelectCounts(
    const std::vector<std::size_t>& counts, std::size_t columns) {
  std::vector<std::size_t> out;
  for (std::size_t k : counts) {
    const std::size_t e = k >= columns ? 0 : k;
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

std::vector<PipelineSpec> HyperparameterSearch::grid(const std::vector<std::string>& learners,
                                                     const std::vector<std::size_t>& selectCounts,
                                                     const FeatureTransformSettings& base,
                                                     bool balanced) {
  std::vector<PipelineSpec> out;
  for (const auto& learner : learners) {
    for (const auto& params : learnerGrid(learner)) {
      for (std::size_t k : selectCounts) {
        PipelineSpec s;
        s.learner = {learner, params};
        s.transform = base;
        s.transform.selectCount = k;
        s.balanced = balanced;
        out.push_back(s);
      }
    }
  }
  return out;
}

SearchResult HyperparameterSearch::run(const FeatureTable& table, std::span<const int> labels,
                                       const std::vector<PipelineSpec>& candidates, int folds,
                                       std::uint64_t seed, int threads, const std::string& source) {
  if (candidates.empty()) throw Error(ErrorCode::InvalidArgument, "no candidate models");
  const std::vector<int> fold = StratifiedFolds::assign(labels, folds, seed);
  const std::size_t n = table.rows();
  std::vector<std::vector<double>> oof(candidates.size(), std::vector<double>(n, NAN));
  std::vector<std::vector<double>> foldAuc(candidates.size(),
                                           std::vector<double>(std::size_t(folds)));
  const auto k = static_cast<std::size_t>(folds);
  std::vector<std::vector<std::size_t>> trainRows(k), testRows(k);
  std::vector<FeatureTable> trainTables(k), testTables(k);
  std::vector<std::vector<int>> trainLabels(k), testLabels(k);
  for (int f = 0; f < folds; ++f) {
    trainRows[f] = StratifiedFolds::members(fold, f, false);
    testRows[f] = StratifiedFolds::members(fold, f, true);
    trainTables[f] = table.selectRows(trainRows[f]);
    testTables[f] = table.selectRows(testRows[f]);
    for (std::size_t r : trainRows[f]) trainLabels[f].push_back(labels[r]);
    for (std::size_t r : testRows[f]) testLabels[f].push_back(labels[r]);
  }
  parallelFor(candidates.size() * std::size_t(folds), threads, [&](std::size_t task) {
    const std::size_t c = task / std::size_t(folds);
    const int f = int(task % std::size_t(folds));
    const auto pipeline =
        ClassificationPipeline::fit(trainTables[f], trainLabels[f], candidates[c], source);
    const std::vector<double> s = pipeline.score(testTables[f], source);
    for (std::size_t i = 0; i < s.size(); ++i) oof[c][testRows[f][i]] = s[i];
    foldAuc[c][std::size_t(f)] = BinaryMetrics::auc(s, testLabels[f]);
  });
  SearchResult result;
  std::vector<std::pair<double, std::size_t>> ranking;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    double mean = 0;
    for (double a : foldAuc[c]) mean += a;
    mean /= double(folds);
    ranking.push_back({mean, c});
  }
  std::stable_sort(ranking.begin(), ranking.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [auc, c] : ranking)
    result.leaderboard.push_back({candidates[c].describe(), auc});
  const std::size_t best = ranking.front().second;
  result.best = candidates[best];
  result.bestAuc = ranking.front().first;
  result.bestOofScores = oof[best];
  return result;
}

}  // namespace medsight

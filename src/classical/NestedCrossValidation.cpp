#include "classical/NestedCrossValidation.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "classical/StratifiedFolds.h"
#include "eval/BinaryMetrics.h"

namespace medsight {

NestedCvResult NestedCvResult::run(const FeatureTable& table,
                                   const std::vector<ColumnBlock>& blocks,
                                   std::span<const int> labels, const TrainingOptions& training,
                                   const NestedCvOptions& options, const std::string& source) {
  NestedCvResult result;
  const std::size_t n = table.rows();
  result.probability.assign(n, 0.0);
  std::vector<double> dropSum(table.cols(), 0.0), dropSq(table.cols(), 0.0);
  int foldCount = 0;
  std::mt19937_64 rng(training.seed ^ 0x9e3779b97f4a7c15ull);
  for (int repeat = 0; repeat < options.repeats; ++repeat) {
    const std::vector<int> fold =
        StratifiedFolds::assign(labels, options.outerFolds, training.seed + 1000 * (repeat + 1));
    std::vector<double> pooled(n, NAN);
    for (int f = 0; f < options.outerFolds; ++f) {
      const auto trainRows = StratifiedFolds::members(fold, f, false);
      const auto testRows = StratifiedFolds::members(fold, f, true);
      const FeatureTable train = table.selectRows(trainRows);
      FeatureTable test = table.selectRows(testRows);
      std::vector<int> yTrain, yTest;
      for (std::size_t r : trainRows) yTrain.push_back(labels[r]);
      for (std::size_t r : testRows) yTest.push_back(labels[r]);
      TrainingSummary summary;
      const ClassicalModel model =
          ClassicalModel::train(train, blocks, yTrain, training, source, &summary);
      const std::vector<double> p = model.probability(test, source);
      for (std::size_t i = 0; i < p.size(); ++i) pooled[testRows[i]] = p[i];
      const double auc = BinaryMetrics::auc(p, yTest);
      result.foldAuc.push_back(auc);
      std::string choice;
      for (const auto& c : summary.chosen) choice += (choice.empty() ? "" : "; ") + c;
      result.foldChoices.push_back(choice);
      spdlog::info("{}: outer fold {}/{} (repeat {}): AUC {:.3f} with {}", source, f + 1,
                   options.outerFolds, repeat + 1, auc, choice);
      ++foldCount;
      if (options.permutationRepeats <= 0) continue;
      // Columns the model does not use cannot change its output: their drop is 0.
      for (std::size_t c : model.usedColumns()) {
        const std::vector<double> original = [&] {
          std::vector<double> v;
          for (std::size_t r = 0; r < test.rows(); ++r) v.push_back(test.at(r, c));
          return v;
        }();
        double drop = 0;
        for (int k = 0; k < options.permutationRepeats; ++k) {
          std::vector<double> shuffled = original;
          std::shuffle(shuffled.begin(), shuffled.end(), rng);
          for (std::size_t r = 0; r < test.rows(); ++r) test.at(r, c) = shuffled[r];
          drop += auc - BinaryMetrics::auc(model.probability(test, source), yTest);
        }
        for (std::size_t r = 0; r < test.rows(); ++r) test.at(r, c) = original[r];
        drop /= options.permutationRepeats;
        dropSum[c] += drop;
        dropSq[c] += drop * drop;
      }
    }
    result.repeatAuc.push_back(BinaryMetrics::auc(pooled, labels));
    for (std::size_t i = 0; i < n; ++i) result.probability[i] += pooled[i] / options.repeats;
  }
  if (options.permutationRepeats > 0) {
    for (std::size_t c = 0; c < table.cols(); ++c) {
      if (dropSum[c] == 0 && dropSq[c] == 0) continue;
      const double mean = dropSum[c] / foldCount;
      const double var = std::max(0.0, dropSq[c] / foldCount - mean * mean);
      result.importance.push_back({table.columns[c], mean, std::sqrt(var)});
    }
    std::stable_sort(result.importance.begin(), result.importance.end(),
                     [](const auto& a, const auto& b) { return a.meanDrop > b.meanDrop; });
  }
  return result;
}

}  // namespace medsight

#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "classical/ClassificationPipeline.h"
#include "classical/FeatureTable.h"
#include "classical/LogisticRegressionClassifier.h"
#include "classical/PlattCalibrator.h"

namespace medsight {

/// \brief How a model is trained.
struct TrainingOptions {
  std::vector<std::string> learners;         ///< candidates of the search
  std::vector<std::size_t> selectCounts{0};  ///< feature counts tried (0 = all)
  double correlationLimit = 1.0;             ///< correlation pruning (1 = off)
  bool imputeMedian = false;
  bool balanced = true;  ///< class weights n / (2 n_c)
  int innerFolds = 5;    ///< folds of the hyper-parameter search
  std::uint64_t seed = 20240611;
  int threads = 1;
  bool lateFusion = false;  ///< one pipeline per block + stacking
};

/// \brief What training chose, for reports and the model card.
struct TrainingSummary {
  std::vector<std::string> chosen;  ///< one description per member pipeline
  std::vector<double> searchAuc;    ///< its inner-CV AUC
  std::vector<std::vector<std::pair<std::string, double>>> leaderboards;
};

/// \brief A trained binary model: early fusion (one pipeline on all columns, Platt-calibrated
/// on its out-of-fold scores) or late fusion (one pipeline per column block, i.e. per modality,
/// stacked by an L2 logistic regression fitted on their out-of-fold scores; Wolpert 1992).
class ClassicalModel {
 public:
  /// \brief Searches hyper-parameters by stratified CV and fits on all rows of `table`.
  static ClassicalModel train(const FeatureTable& table, const std::vector<ColumnBlock>& blocks,
                              std::span<const int> labels, const TrainingOptions& options,
                              const std::string& source, TrainingSummary* summary = nullptr);
  /// \brief Calibrated probability of the positive class for each row.
  std::vector<double> probability(const FeatureTable& table, const std::string& source) const;
  /// \brief Names of the input columns the model needs, in order.
  const std::vector<std::string>& inputColumns() const { return inputColumns_; }
  /// \brief Columns (input indices) that influence the prediction.
  std::vector<std::size_t> usedColumns() const;
  /// \brief Mean |contribution| per input column over `table`'s rows (TreeSHAP for tree
  /// ensembles, |w x| for logistic regression); empty when no member offers contributions.
  std::vector<std::pair<std::string, double>> meanAbsoluteContributions(
      const FeatureTable& table, const std::string& source) const;
  /// \brief Per-row contributions by input column (score units of each member), or empty.
  std::vector<std::vector<std::pair<std::string, double>>> rowContributions(
      const FeatureTable& table, const std::string& source) const;
  /// \brief Decision-tree rules of each member that is a tree.
  std::vector<std::string> rules(const std::string& positiveClass) const;
  /// \brief "early" or "late".
  std::string fusion() const { return late_ ? "late" : "early"; }
  /// \brief The member pipelines.
  const std::vector<ClassificationPipeline>& members() const { return members_; }

  /// \brief Writes member files into `folder`; returns the model description (model.json).
  nlohmann::json save(const std::filesystem::path& folder) const;
  /// \brief Reads a model described by `description` (files already verified).
  static ClassicalModel load(const std::filesystem::path& folder,
                             const nlohmann::json& description);

 private:
  FeatureTable block(const FeatureTable& table, std::size_t member) const;
  bool late_ = false;
  std::vector<std::string> inputColumns_;
  std::vector<ColumnBlock> blocks_;  // late fusion: one per member
  std::vector<ClassificationPipeline> members_;
  PlattCalibrator calibration_;                            // early fusion
  std::shared_ptr<LogisticRegressionClassifier> stacker_;  // late fusion
  std::vector<double> stackMeans_, stackScales_;
};

}  // namespace medsight

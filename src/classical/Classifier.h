#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "classical/DenseMatrix.h"

namespace medsight {

/// \brief A learner and its hyper-parameters, e.g. {"svm_rbf", {"C": 1, "gamma": 0.03}}.
struct LearnerSpec {
  std::string learner;  ///< svm_rbf, svm_linear, logistic_l2, logistic_l1, xgboost, random_forest,
                        ///< decision_tree
  nlohmann::json params = nlohmann::json::object();
  /// \brief "svm_rbf(C=1, gamma=0.03)".
  std::string describe() const;
};

/// \brief A binary classifier wrapped around a maintained library (LIBSVM, LIBLINEAR, XGBoost,
/// OpenCV ml). Scores are monotone in the positive-class odds (decision values or log-odds);
/// ClassificationPipeline calibrates them to probabilities.
class Classifier {
 public:
  virtual ~Classifier() = default;
  /// \brief The learner and hyper-parameters.
  virtual const LearnerSpec& spec() const = 0;
  /// \brief Trains on standardised rows `x` with 0/1 labels; `classWeight[c]` weighs errors on
  /// class c. Throws TrainingFailed when the library fails.
  virtual void fit(const DenseMatrix& x, std::span<const int> y,
                   const std::array<double, 2>& classWeight) = 0;
  /// \brief One score per row; larger means more likely positive.
  virtual std::vector<double> score(const DenseMatrix& x) const = 0;
  /// \brief Writes the trained model to `path` in the library's own format.
  virtual void save(const std::filesystem::path& path) const = 0;
  /// \brief File name suffix of the saved model (".model", ".json").
  virtual std::string fileSuffix() const = 0;
  /// \brief Per-row feature contributions to the score plus a last bias column (TreeSHAP for
  /// tree ensembles, w_j x_j for linear models); empty when the learner has none.
  virtual DenseMatrix contributions(const DenseMatrix& x) const {
    (void)x;
    return {};
  }

  /// \brief An untrained classifier; throws InvalidArgument for an unknown learner.
  static std::unique_ptr<Classifier> create(const LearnerSpec& spec);
  /// \brief A trained classifier read from `path` (saved by save()); throws ModelInvalid.
  static std::unique_ptr<Classifier> load(const LearnerSpec& spec,
                                          const std::filesystem::path& path);
  /// \brief The learner names.
  static const std::vector<std::string>& learners();
};

}  // namespace medsight

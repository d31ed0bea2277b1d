#pragma once

#include <memory>

#include "classical/Classifier.h"

struct model;

namespace medsight {

/// \brief Logistic regression through LIBLINEAR (Fan et al., JMLR 2008): L2-regularised
/// ("logistic_l2") or L1-regularised and sparse ("logistic_l1"), param C, with an unpenalised-
/// as-possible bias feature and per-class error weights. The score is the log-odds w.x + b.
class LogisticRegressionClassifier : public Classifier {
 public:
  /// \brief An untrained model.
  explicit LogisticRegressionClassifier(LearnerSpec spec);
  ~LogisticRegressionClassifier() override;
  /// \brief Reads a model written by save().
  static std::unique_ptr<LogisticRegressionClassifier> load(LearnerSpec spec,
                                                            const std::filesystem::path& path);

  const LearnerSpec& spec() const override { return spec_; }
  void fit(const DenseMatrix& x, std::span<const int> y,
           const std::array<double, 2>& classWeight) override;
  std::vector<double> score(const DenseMatrix& x) const override;
  void save(const std::filesystem::path& path) const override;
  std::string fileSuffix() const override { return ".liblinear"; }
  DenseMatrix contributions(const DenseMatrix& x) const override;
  /// \brief Weight of each feature (positive-class log-odds per unit) and the bias, last.
  std::vector<double> coefficients() const;

 private:
  struct ModelDeleter {
    void operator()(model* m) const;
  };
  LearnerSpec spec_;
  std::unique_ptr<model, ModelDeleter> model_;
};

}  // namespace medsight

#pragma once

#include <memory>

#include "classical/Classifier.h"

namespace medsight {

/// \brief Tree ensembles through the XGBoost C API (Chen and Guestrin, KDD 2016): gradient
/// boosting ("xgboost": max_depth, eta, rounds, subsample, colsample_bytree) and random forests
/// in XGBoost's random-forest mode ("random_forest": trees, max_depth, max_features as the
/// fraction of features tried per split, subsample; one round of parallel trees, learning
/// rate 1). Class weights become sample weights. Scores are margins (log-odds); contributions
/// are exact TreeSHAP values (Lundberg et al., Nature Machine Intelligence 2020).
class BoostedTreesClassifier : public Classifier {
 public:
  /// \brief An untrained ensemble.
  explicit BoostedTreesClassifier(LearnerSpec spec);
  ~BoostedTreesClassifier() override;
  /// \brief Reads a model written by save().
  static std::unique_ptr<BoostedTreesClassifier> load(LearnerSpec spec,
                                                      const std::filesystem::path& path);
  /// \brief Threads XGBoost may use per model (default 1; cross-validation runs models in
  /// parallel instead).
  static void setThreads(int threads);

  const LearnerSpec& spec() const override { return spec_; }
  void fit(const DenseMatrix& x, std::span<const int> y,
           const std::array<double, 2>& classWeight) override;
  std::vector<double> score(const DenseMatrix& x) const override;
  void save(const std::filesystem::path& path) const override;
  std::string fileSuffix() const override { return ".xgb.json"; }
  DenseMatrix contributions(const DenseMatrix& x) const override;

 private:
  struct BoosterDeleter {
    void operator()(void* handle) const;
  };
  std::vector<float> predict(const DenseMatrix& x, int optionMask) const;
  LearnerSpec spec_;
  std::unique_ptr<void, BoosterDeleter> booster_;
  std::size_t features_ = 0;
};

}  // namespace medsight

#pragma once

#include <memory>

#include "classical/Classifier.h"

struct svm_model;
struct svm_node;

namespace medsight {

/// \brief C-support vector classification through LIBSVM (Chang and Lin, ACM TIST 2011) with an
/// RBF kernel (params C and gamma, or gamma_scale = gamma x number of features) or a linear
/// kernel (C), and per-class error weights. The score
/// is the signed decision value.
class SvmClassifier : public Classifier {
 public:
  /// \brief An untrained SVM.
  explicit SvmClassifier(LearnerSpec spec);
  ~SvmClassifier() override;
  /// \brief Reads a model written by save().
  static std::unique_ptr<SvmClassifier> load(LearnerSpec spec, const std::filesystem::path& path);

  const LearnerSpec& spec() const override { return spec_; }
  void fit(const DenseMatrix& x, std::span<const int> y,
           const std::array<double, 2>& classWeight) override;
  std::vector<double> score(const DenseMatrix& x) const override;
  void save(const std::filesystem::path& path) const override;
  std::string fileSuffix() const override { return ".libsvm"; }

 private:
  struct ModelDeleter {
    void operator()(svm_model* m) const;
  };
  LearnerSpec spec_;
  std::unique_ptr<svm_model, ModelDeleter> model_;
  // LIBSVM's model points into the training nodes: they live as long as the model.
  std::vector<svm_node> nodes_;
  double sign_ = 1.0;  // +1 when LIBSVM's first label is the positive class
};

}  // namespace medsight

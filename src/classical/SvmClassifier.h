#pragma once

#include <memory>

#include "classical/Classifier.h"

namespace medsight {

/// \brief C-support vector classification whose dual problem is solved by LIBSVM (Chang and
/// Lin, ACM TIST 2011), with an RBF kernel (params C and gamma, or gamma_scale = gamma x number
/// of features) or a linear kernel (C), and per-class error weights.
///
/// For up to kMaxGramRows training rows the kernel matrix is computed once with dense
/// arithmetic and handed to LIBSVM as a precomputed kernel, which makes each kernel lookup O(1)
/// instead of a sparse dot product; larger problems use LIBSVM's own kernels. Either way the
/// solution (support vectors, dual coefficients, bias) is kept and saved as JSON, and the score
/// is the decision value sum_i a_i K(x, sv_i) - rho.
class SvmClassifier : public Classifier {
 public:
  /// \brief Largest training set solved through a precomputed kernel matrix (n^2 doubles).
  static constexpr std::size_t kMaxGramRows = 4000;

  /// \brief An untrained SVM.
  explicit SvmClassifier(LearnerSpec spec);
  /// \brief Reads a model written by save().
  static std::unique_ptr<SvmClassifier> load(LearnerSpec spec, const std::filesystem::path& path);

  const LearnerSpec& spec() const override { return spec_; }
  void fit(const DenseMatrix& x, std::span<const int> y,
           const std::array<double, 2>& classWeight) override;
  std::vector<double> score(const DenseMatrix& x) const override;
  void save(const std::filesystem::path& path) const override;
  std::string fileSuffix() const override { return ".svm.json"; }

 private:
  double kernel(const double* a, const double* b) const;
  LearnerSpec spec_;
  bool rbf_ = true;
  double gamma_ = 0;
  DenseMatrix supportVectors_;
  std::vector<double> coefficients_;  // signed so that positive scores mean class 1
  double bias_ = 0;
};

}  // namespace medsight

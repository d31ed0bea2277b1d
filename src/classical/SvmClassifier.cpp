#include "classical/SvmClassifier.h"

#include <svm.h>

#include <cmath>
#include <mutex>

#include "core/Error.h"

namespace medsight {
namespace {

void quiet(const char*) {}

void silenceLibsvm() {
  static std::once_flag once;
  std::call_once(once, [] { svm_set_print_string_function(&quiet); });
}

/// Dense rows as LIBSVM sparse nodes (index 1..p, terminated by index -1). Zeros are kept so
/// every row has the same layout.
std::vector<svm_node> toNodes(const DenseMatrix& x) {
  std::vector<svm_node> nodes;
  nodes.reserve(x.rows * (x.cols + 1));
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) nodes.push_back({int(c + 1), x.at(r, c)});
    nodes.push_back({-1, 0.0});
  }
  return nodes;
}

}  // namespace

void SvmClassifier::ModelDeleter::operator()(svm_model* m) const {
  if (m) svm_free_and_destroy_model(&m);
}

SvmClassifier::SvmClassifier(LearnerSpec spec) : spec_(std::move(spec)) {
  silenceLibsvm();
}

SvmClassifier::~SvmClassifier() = default;

void SvmClassifier::fit(const DenseMatrix& x, std::span<const int> y,
                        const std::array<double, 2>& classWeight) {
  nodes_ = toNodes(x);
  std::vector<svm_node*> rows(x.rows);
  std::vector<double> labels(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    rows[r] = nodes_.data() + r * (x.cols + 1);
    labels[r] = y[r];
  }
  svm_problem problem{};
  problem.l = int(x.rows);
  problem.y = labels.data();
  problem.x = rows.data();
  svm_parameter param{};
  param.svm_type = C_SVC;
  const bool rbf = spec_.learner == "svm_rbf";
  param.kernel_type = rbf ? RBF : LINEAR;
  param.C = spec_.params.value("C", 1.0);
  // gamma_scale / p keeps the kernel width meaningful whatever the number of (standardised)
  // features kept by selection; gamma_scale = 1 is scikit-learn's gamma="scale" for z-scores.
  const double p = double(std::max<std::size_t>(1, x.cols));
  param.gamma = rbf ? spec_.params.value("gamma", spec_.params.value("gamma_scale", 1.0) / p) : 0.0;
  param.cache_size = 200;
  param.eps = 1e-3;
  param.shrinking = 1;
  param.probability = 0;
  int weightLabel[2] = {0, 1};
  double weight[2] = {classWeight[0], classWeight[1]};
  param.nr_weight = 2;
  param.weight_label = weightLabel;
  param.weight = weight;
  if (const char* problemText = svm_check_parameter(&problem, &param)) {
    throw Error(ErrorCode::TrainingFailed, std::string("LIBSVM: ") + problemText);
  }
  model_.reset(svm_train(&problem, &param));
  if (!model_) throw Error(ErrorCode::TrainingFailed, "LIBSVM did not return a model");
  int first[2] = {0, 0};
  svm_get_labels(model_.get(), first);
  sign_ = first[0] == 1 ? 1.0 : -1.0;
}

std::vector<double> SvmClassifier::score(const DenseMatrix& x) const {
  if (!model_) throw Error(ErrorCode::Internal, "SVM used before training");
  const std::vector<svm_node> nodes = toNodes(x);
  std::vector<double> out(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    double decision = 0;
    svm_predict_values(model_.get(), nodes.data() + r * (x.cols + 1), &decision);
    out[r] = sign_ * decision;
  }
  return out;
}

void SvmClassifier::save(const std::filesystem::path& path) const {
  if (!model_ || svm_save_model(path.c_str(), model_.get()) != 0) {
    throw Error(ErrorCode::FileWriteFailed, path.string() + ": cannot write the SVM model");
  }
}

std::unique_ptr<SvmClassifier> SvmClassifier::load(LearnerSpec spec,
                                                   const std::filesystem::path& path) {
  auto out = std::make_unique<SvmClassifier>(std::move(spec));
  out->model_.reset(svm_load_model(path.c_str()));
  if (!out->model_ || svm_get_nr_class(out->model_.get()) != 2) {
    throw Error(ErrorCode::ModelInvalid, path.string() + ": not a two-class LIBSVM model");
  }
  int first[2] = {0, 0};
  svm_get_labels(out->model_.get(), first);
  out->sign_ = first[0] == 1 ? 1.0 : -1.0;
  return out;
}

}  // namespace medsight

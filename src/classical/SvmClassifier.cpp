#include "classical/SvmClassifier.h"

#include <svm.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/JsonText.h"

namespace medsight {
namespace {

void quiet(const char*) {}

void silenceLibsvm() {
  static std::once_flag once;
  std::call_once(once, [] { svm_set_print_string_function(&quiet); });
}

struct ModelDeleter {
  void operator()(svm_model* m) const {
    if (m) svm_free_and_destroy_model(&m);
  }
};

}  // namespace

SvmClassifier::SvmClassifier(LearnerSpec spec) : spec_(std::move(spec)) {
  silenceLibsvm();
}

double SvmClassifier::kernel(const double* a, const double* b) const {
  const std::size_t p = supportVectors_.cols;
  double s = 0;
  if (rbf_) {
    for (std::size_t k = 0; k < p; ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
    return std::exp(-gamma_ * s);
  }
  for (std::size_t k = 0; k < p; ++k) s += a[k] * b[k];
  return s;
}

void SvmClassifier::fit(const DenseMatrix& x, std::span<const int> y,
                        const std::array<double, 2>& classWeight) {
  rbf_ = spec_.learner == "svm_rbf";
  // gamma_scale / p keeps the kernel width meaningful whatever the number of (standardised)
  // features kept by selection; gamma_scale = 1 is scikit-learn's gamma="scale" for z-scores.
  const double p = double(std::max<std::size_t>(1, x.cols));
  gamma_ = rbf_ ? spec_.params.value("gamma", spec_.params.value("gamma_scale", 1.0) / p) : 0.0;
  supportVectors_ = DenseMatrix{0, x.cols, {}};
  const std::size_t n = x.rows;
  const bool precomputed = n <= kMaxGramRows;

  std::vector<svm_node> nodes;
  std::vector<svm_node*> rows(n);
  std::vector<double> labels(n);
  if (precomputed) {
    // LIBSVM's precomputed format: node 0 holds the (1-based) sample index, node j the kernel
    // value with sample j.
    supportVectors_.cols = x.cols;
    supportVectors_.rows = n;
    supportVectors_.data = x.data;  // kernel() reads rows of supportVectors_ while filling
    std::vector<double> gram(n * n);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = r; c < n; ++c)
        gram[r * n + c] = gram[c * n + r] = kernel(x.row(r), x.row(c));
    }
    nodes.resize(n * (n + 2));
    for (std::size_t r = 0; r < n; ++r) {
      svm_node* row = nodes.data() + r * (n + 2);
      row[0] = {0, double(r + 1)};
      for (std::size_t c = 0; c < n; ++c) row[c + 1] = {int(c + 1), gram[r * n + c]};
      row[n + 1] = {-1, 0.0};
    }
  } else {
    nodes.reserve(n * (x.cols + 1));
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = 0; c < x.cols; ++c) nodes.push_back({int(c + 1), x.at(r, c)});
      nodes.push_back({-1, 0.0});
    }
  }
  const std::size_t stride = precomputed ? n + 2 : x.cols + 1;
  for (std::size_t r = 0; r < n; ++r) {
    rows[r] = nodes.data() + r * stride;
    labels[r] = y[r];
  }
  svm_problem problem{};
  problem.l = int(n);
  problem.y = labels.data();
  problem.x = rows.data();
  svm_parameter param{};
  param.svm_type = C_SVC;
  param.kernel_type = precomputed ? PRECOMPUTED : (rbf_ ? RBF : LINEAR);
  param.C = spec_.params.value("C", 1.0);
  param.gamma = gamma_;
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
  std::unique_ptr<svm_model, ModelDeleter> model(svm_train(&problem, &param));
  if (!model) throw Error(ErrorCode::TrainingFailed, "LIBSVM did not return a model");
  int first[2] = {0, 0};
  svm_get_labels(model.get(), first);
  // LIBSVM's decision value favours its first label; make positive scores mean class 1.
  const double sign = first[0] == 1 ? 1.0 : -1.0;
  const int count = svm_get_nr_sv(model.get());
  std::vector<int> indices(static_cast<std::size_t>(count));
  svm_get_sv_indices(model.get(), indices.data());
  DenseMatrix sv{std::size_t(count), x.cols, {}};
  sv.data.reserve(sv.rows * sv.cols);
  coefficients_.clear();
  for (int i = 0; i < count; ++i) {
    const std::size_t r = std::size_t(indices[std::size_t(i)] - 1);
    sv.data.insert(sv.data.end(), x.row(r), x.row(r) + x.cols);
    coefficients_.push_back(sign * model->sv_coef[0][i]);
  }
  supportVectors_ = std::move(sv);
  bias_ = -sign * model->rho[0];
}

std::vector<double> SvmClassifier::score(const DenseMatrix& x) const {
  if (coefficients_.empty()) throw Error(ErrorCode::Internal, "SVM used before training");
  if (x.cols != supportVectors_.cols) {
    throw Error(ErrorCode::ModelInvalid, "SVM expects " + std::to_string(supportVectors_.cols) +
                                             " features, got " + std::to_string(x.cols));
  }
  std::vector<double> out(x.rows, bias_);
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t i = 0; i < supportVectors_.rows; ++i) {
      out[r] += coefficients_[i] * kernel(x.row(r), supportVectors_.row(i));
    }
  }
  return out;
}

void SvmClassifier::save(const std::filesystem::path& path) const {
  nlohmann::json j{{"solver", "LIBSVM " + std::to_string(LIBSVM_VERSION)},
                   {"kernel", rbf_ ? "rbf" : "linear"},
                   {"gamma", gamma_},
                   {"features", supportVectors_.cols},
                   {"bias", bias_},
                   {"coefficients", coefficients_},
                   {"support_vectors", supportVectors_.data}};
  AtomicFile::write(path, j.dump() + "\n");
}

std::unique_ptr<SvmClassifier> SvmClassifier::load(LearnerSpec spec,
                                                   const std::filesystem::path& path) {
  auto out = std::make_unique<SvmClassifier>(std::move(spec));
  std::ifstream in(path);
  try {
    const auto j = JsonText::parse(in, path.string(), ErrorCode::ModelInvalid);
    out->rbf_ = j.at("kernel").get<std::string>() == "rbf";
    out->gamma_ = j.at("gamma").get<double>();
    out->bias_ = j.at("bias").get<double>();
    out->coefficients_ = j.at("coefficients").get<std::vector<double>>();
    out->supportVectors_.cols = j.at("features").get<std::size_t>();
    out->supportVectors_.data = j.at("support_vectors").get<std::vector<double>>();
    out->supportVectors_.rows = out->coefficients_.size();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, path.string() + ": malformed SVM model: " + e.what());
  }
  if (out->coefficients_.empty() || out->supportVectors_.cols == 0 ||
      out->supportVectors_.data.size() != out->supportVectors_.rows * out->supportVectors_.cols) {
    throw Error(ErrorCode::ModelInvalid, path.string() + ": inconsistent SVM model");
  }
  return out;
}

}  // namespace medsight

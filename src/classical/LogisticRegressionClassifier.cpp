#include "classical/LogisticRegressionClassifier.h"

#include <linear.h>

#include <mutex>

#include "core/Error.h"

namespace medsight {
namespace {

void quiet(const char*) {}

void silenceLiblinear() {
  static std::once_flag once;
  std::call_once(once, [] { set_print_string_function(&quiet); });
}

/// Rows as LIBLINEAR nodes: features 1..p, the bias feature p+1 (value 1), terminator -1.
std::vector<feature_node> toNodes(const DenseMatrix& x) {
  std::vector<feature_node> nodes;
  nodes.reserve(x.rows * (x.cols + 2));
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) nodes.push_back({int(c + 1), x.at(r, c)});
    nodes.push_back({int(x.cols + 1), 1.0});
    nodes.push_back({-1, 0.0});
  }
  return nodes;
}

}  // namespace

void LogisticRegressionClassifier::ModelDeleter::operator()(model* m) const {
  if (m) free_and_destroy_model(&m);
}

LogisticRegressionClassifier::LogisticRegressionClassifier(LearnerSpec spec)
    : spec_(std::move(spec)) {
  silenceLiblinear();
}

LogisticRegressionClassifier::~LogisticRegressionClassifier() = default;

void LogisticRegressionClassifier::fit(const DenseMatrix& x, std::span<const int> y,
                                       const std::array<double, 2>& classWeight) {
  std::vector<feature_node> nodes = toNodes(x);
  std::vector<feature_node*> rows(x.rows);
  std::vector<double> labels(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    rows[r] = nodes.data() + r * (x.cols + 2);
    labels[r] = y[r];
  }
  problem prob{};
  prob.l = int(x.rows);
  prob.n = int(x.cols + 1);
  prob.y = labels.data();
  prob.x = rows.data();
  prob.bias = 1.0;
  parameter param{};
  param.solver_type = spec_.learner == "logistic_l1" ? L1R_LR : L2R_LR;
  param.C = spec_.params.value("C", 1.0);
  param.eps = 0.001;
  int weightLabel[2] = {0, 1};
  double weight[2] = {classWeight[0], classWeight[1]};
  param.nr_weight = 2;
  param.weight_label = weightLabel;
  param.weight = weight;
  param.p = 0.1;
  param.init_sol = nullptr;
  if (const char* problemText = check_parameter(&prob, &param)) {
    throw Error(ErrorCode::TrainingFailed, std::string("LIBLINEAR: ") + problemText);
  }
  model_.reset(train(&prob, &param));
  if (!model_) throw Error(ErrorCode::TrainingFailed, "LIBLINEAR did not return a model");
}

std::vector<double> LogisticRegressionClassifier::coefficients() const {
  if (!model_) throw Error(ErrorCode::Internal, "logistic regression used before training");
  int labels[2] = {0, 0};
  get_labels(model_.get(), labels);
  // A two-class model stores one weight vector for its first label; LIBLINEAR negates it when
  // asked for the second.
  const int positive = labels[0] == 1 ? 0 : 1;
  const int n = get_nr_feature(model_.get());
  std::vector<double> w;
  for (int j = 1; j <= n; ++j) w.push_back(get_decfun_coef(model_.get(), j, positive));
  w.push_back(get_decfun_bias(model_.get(), positive));
  return w;
}

std::vector<double> LogisticRegressionClassifier::score(const DenseMatrix& x) const {
  const std::vector<double> w = coefficients();
  if (w.size() != x.cols + 1) {
    throw Error(ErrorCode::ModelInvalid, "logistic regression expects " +
                                             std::to_string(w.size() - 1) + " features, got " +
                                             std::to_string(x.cols));
  }
  std::vector<double> out(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    double s = w.back();
    for (std::size_t c = 0; c < x.cols; ++c) s += w[c] * x.at(r, c);
    out[r] = s;
  }
  return out;
}

DenseMatrix LogisticRegressionClassifier::contributions(const DenseMatrix& x) const {
  const std::vector<double> w = coefficients();
  DenseMatrix out{x.rows, x.cols + 1, std::vector<double>(x.rows * (x.cols + 1))};
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) out.at(r, c) = w[c] * x.at(r, c);
    out.at(r, x.cols) = w.back();
  }
  return out;
}

void LogisticRegressionClassifier::save(const std::filesystem::path& path) const {
  if (!model_ || save_model(path.c_str(), model_.get()) != 0) {
    throw Error(ErrorCode::FileWriteFailed, path.string() + ": cannot write the LIBLINEAR model");
  }
}

std::unique_ptr<LogisticRegressionClassifier> LogisticRegressionClassifier::load(
    LearnerSpec spec, const std::filesystem::path& path) {
  auto out = std::make_unique<LogisticRegressionClassifier>(std::move(spec));
  out->model_.reset(load_model(path.c_str()));
  if (!out->model_ || get_nr_class(out->model_.get()) != 2) {
    throw Error(ErrorCode::ModelInvalid, path.string() + ": not a two-class LIBLINEAR model");
  }
  return out;
}

}  // namespace medsight

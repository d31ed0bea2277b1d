#include "classical/BoostedTreesClassifier.h"

#include <xgboost/c_api.h>

#include <atomic>
#include <cmath>
#include <string>

#include "core/Error.h"

namespace medsight {
namespace {

std::atomic<int> gThreads{1};

void check(int status, const std::string& what, ErrorCode code = ErrorCode::TrainingFailed) {
  if (status != 0) throw Error(code, "XGBoost " + what + ": " + XGBGetLastError());
}

struct MatrixDeleter {
  void operator()(void* handle) const {
    if (handle) XGDMatrixFree(handle);
  }
};
using Matrix = std::unique_ptr<void, MatrixDeleter>;

Matrix toMatrix(const DenseMatrix& x) {
  std::vector<float> data(x.data.begin(), x.data.end());
  DMatrixHandle handle = nullptr;
  check(XGDMatrixCreateFromMat(data.data(), x.rows, x.cols, NAN, &handle), "matrix");
  return Matrix(handle);
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void BoostedTreesClassifier::BoosterDeleter::operator()(void* handle) const {
  if (handle) XGBoosterFree(handle);
}

void BoostedTreesClassifier::setThreads(int threads) {
  gThreads = std::max(1, threads);
}

BoostedTreesClassifier::BoostedTreesClassifier(LearnerSpec spec) : spec_(std::move(spec)) {}

BoostedTreesClassifier::~BoostedTreesClassifier() = default;

void BoostedTreesClassifier::fit(const DenseMatrix& x, std::span<const int> y,
                                 const std::array<double, 2>& classWeight) {
  Matrix train = toMatrix(x);
  std::vector<float> labels(y.begin(), y.end()), weights(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) weights[i] = float(classWeight[y[i] ? 1 : 0]);
  check(XGDMatrixSetFloatInfo(train.get(), "label", labels.data(), labels.size()), "labels");
  check(XGDMatrixSetFloatInfo(train.get(), "weight", weights.data(), weights.size()), "weights");
  DMatrixHandle handles[1] = {train.get()};
  BoosterHandle booster = nullptr;
  check(XGBoosterCreate(handles, 1, &booster), "booster");
  booster_.reset(booster);
  features_ = x.cols;
  auto set = [&](const char* name, const std::string& value) {
    check(XGBoosterSetParam(booster, name, value.c_str()), std::string("parameter ") + name);
  };
  const auto& p = spec_.params;
  set("objective", "binary:logistic");
  set("tree_method", "hist");
  set("nthread", std::to_string(gThreads.load()));
  set("seed", "7");
  set("verbosity", "0");
  int rounds = 1;
  if (spec_.learner == "random_forest") {
    const double maxFeatures =
        p.value("max_features", 1.0 / std::sqrt(double(std::max<std::size_t>(1, x.cols))));
    set("num_parallel_tree", std::to_string(p.value("trees", 500)));
    set("max_depth", std::to_string(p.value("max_depth", 10)));
    set("colsample_bynode", number(std::min(1.0, std::max(maxFeatures, 1.0 / double(x.cols)))));
    set("subsample", number(p.value("subsample", 0.632)));
    set("eta", "1");
    set("lambda", number(p.value("lambda", 1e-3)));
    set("min_child_weight", number(p.value("min_child_weight", 1.0)));
  } else {
    rounds = p.value("rounds", 200);
    set("max_depth", std::to_string(p.value("max_depth", 3)));
    set("eta", number(p.value("eta", 0.1)));
    set("subsample", number(p.value("subsample", 0.8)));
    set("colsample_bytree", number(p.value("colsample_bytree", 0.8)));
    set("min_child_weight", number(p.value("min_child_weight", 1.0)));
    set("lambda", number(p.value("lambda", 1.0)));
  }
  for (int i = 0; i < rounds; ++i)
    check(XGBoosterUpdateOneIter(booster, i, train.get()), "training");
}

std::vector<float> BoostedTreesClassifier::predict(const DenseMatrix& x, int optionMask) const {
  if (!booster_) throw Error(ErrorCode::Internal, "tree ensemble used before training");
  if (x.cols != features_) {
    throw Error(ErrorCode::ModelInvalid, "tree ensemble expects " + std::to_string(features_) +
                                             " features, got " + std::to_string(x.cols));
  }
  Matrix data = toMatrix(x);
  bst_ulong length = 0;
  const float* result = nullptr;
  check(XGBoosterPredict(booster_.get(), data.get(), optionMask, 0, 0, &length, &result),
        "prediction", ErrorCode::Internal);
  return std::vector<float>(result, result + length);
}

std::vector<double> BoostedTreesClassifier::score(const DenseMatrix& x) const {
  const std::vector<float> margin = predict(x, 1);  // 1 = output margin (log-odds)
  return std::vector<double>(margin.begin(), margin.end());
}

DenseMatrix BoostedTreesClassifier::contributions(const DenseMatrix& x) const {
  const std::vector<float> shap = predict(x, 4);  // 4 = feature contributions (TreeSHAP)
  DenseMatrix out{x.rows, x.cols + 1, std::vector<double>(shap.begin(), shap.end())};
  if (out.data.size() != out.rows * out.cols) {
    throw Error(ErrorCode::Internal, "XGBoost returned " + std::to_string(shap.size()) +
                                         " contributions for " + std::to_string(x.rows) + " rows");
  }
  return out;
}

void BoostedTreesClassifier::save(const std::filesystem::path& path) const {
  if (!booster_) throw Error(ErrorCode::Internal, "tree ensemble saved before training");
  // XGBoost chooses its JSON format from the ".json" suffix.
  check(XGBoosterSaveModel(booster_.get(), path.c_str()), "save", ErrorCode::FileWriteFailed);
}

std::unique_ptr<BoostedTreesClassifier> BoostedTreesClassifier::load(
    LearnerSpec spec, const std::filesystem::path& path) {
  auto out = std::make_unique<BoostedTreesClassifier>(std::move(spec));
  BoosterHandle booster = nullptr;
  check(XGBoosterCreate(nullptr, 0, &booster), "booster", ErrorCode::ModelInvalid);
  out->booster_.reset(booster);
  check(XGBoosterLoadModel(booster, path.c_str()), "load " + path.string(),
        ErrorCode::ModelInvalid);
  bst_ulong features = 0;
  check(XGBoosterGetNumFeature(booster, &features), "feature count", ErrorCode::ModelInvalid);
  out->features_ = features;
  return out;
}

}  // namespace medsight

#include "classical/Classifier.h"

#include <cstdio>

#include "classical/BoostedTreesClassifier.h"
#include "classical/DecisionTreeClassifier.h"
#include "classical/LogisticRegressionClassifier.h"
#include "classical/SvmClassifier.h"
#include "core/Error.h"

namespace medsight {

std::string LearnerSpec::describe() const {
  std::string out = learner + "(";
  bool first = true;
  for (const auto& [key, value] : params.items()) {
    char buf[64];
    if (value.is_number_float()) {
      std::snprintf(buf, sizeof buf, "%.4g", value.get<double>());
    } else {
      std::snprintf(buf, sizeof buf, "%s", value.dump().c_str());
    }
    out += (first ? "" : ", ") + key + "=" + buf;
    first = false;
  }
  return out + ")";
}

const std::vector<std::string>& Classifier::learners() {
  static const std::vector<std::string> names{"svm_rbf",      "svm_linear", "logistic_l2",
                                              "logistic_l1",  "xgboost",    "random_forest",
                                              "decision_tree"};
  return names;
}

std::unique_ptr<Classifier> Classifier::create(const LearnerSpec& spec) {
  const std::string& l = spec.learner;
  if (l == "svm_rbf" || l == "svm_linear") return std::make_unique<SvmClassifier>(spec);
  if (l == "logistic_l2" || l == "logistic_l1") {
    return std::make_unique<LogisticRegressionClassifier>(spec);
  }
  if (l == "xgboost" || l == "random_forest") return std::make_unique<BoostedTreesClassifier>(spec);
  if (l == "decision_tree") return std::make_unique<DecisionTreeClassifier>(spec);
  throw Error(ErrorCode::InvalidArgument,
              "unknown learner '" + l +
                  "' (svm_rbf, svm_linear, logistic_l2, logistic_l1, xgboost, random_forest, "
                  "decision_tree)");
}

std::unique_ptr<Classifier> Classifier::load(const LearnerSpec& spec,
                                             const std::filesystem::path& path) {
  const std::string& l = spec.learner;
  if (l == "svm_rbf" || l == "svm_linear") return SvmClassifier::load(spec, path);
  if (l == "logistic_l2" || l == "logistic_l1")
    return LogisticRegressionClassifier::load(spec, path);
  if (l == "xgboost" || l == "random_forest") return BoostedTreesClassifier::load(spec, path);
  if (l == "decision_tree") return DecisionTreeClassifier::load(spec, path);
  throw Error(ErrorCode::ModelInvalid, path.string() + ": unknown learner '" + l + "'");
}

}  // namespace medsight

#include "classical/ClassificationPipeline.h"

#include <array>
#include <fstream>

#include "classical/DecisionTreeClassifier.h"
#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/JsonText.h"

namespace medsight {

std::string PipelineSpec::describe() const {
  std::string out = learner.describe();
  out += transform.selectCount ? ", " + std::to_string(transform.selectCount) + " features"
                               : ", all features";
  if (transform.correlationLimit < 1.0) {
    out += ", |r| <= " + std::to_string(transform.correlationLimit).substr(0, 4);
  }
  return out;
}

nlohmann::json PipelineSpec::toJson() const {
  return {{"learner", learner.learner},
          {"params", learner.params},
          {"select_count", transform.selectCount},
          {"correlation_limit", transform.correlationLimit},
          {"impute_median", transform.imputeMedian},
          {"balanced_class_weights", balanced}};
}

PipelineSpec PipelineSpec::fromJson(const nlohmann::json& j, const std::string& context) {
  try {
    PipelineSpec s;
    s.learner.learner = j.at("learner").get<std::string>();
    s.learner.params = j.at("params");
    s.transform.selectCount = j.at("select_count").get<std::size_t>();
    s.transform.correlationLimit = j.at("correlation_limit").get<double>();
    s.transform.imputeMedian = j.at("impute_median").get<bool>();
    s.balanced = j.at("balanced_class_weights").get<bool>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed pipeline spec: " + e.what());
  }
}

ClassificationPipeline ClassificationPipeline::fit(const FeatureTable& table,
                                                   std::span<const int> labels,
                                                   const PipelineSpec& spec,
                                                   const std::string& source) {
  ClassificationPipeline p;
  p.spec_ = spec;
  p.transform_ = FeatureTransform::fit(table, labels, spec.transform, source);
  const DenseMatrix x = p.transform_.apply(table, source);
  double count[2] = {0, 0};
  for (int y : labels) count[y ? 1 : 0] += 1;
  if (count[0] == 0 || count[1] == 0) {
    throw Error(ErrorCode::LabelMismatch,
                source + ": the training set has only one class; a classifier needs both");
  }
  // Balanced weights n / (2 n_c) make both classes count equally (King and Zeng 2001).
  std::array<double, 2> weight{1.0, 1.0};
  if (spec.balanced) {
    const double n = count[0] + count[1];
    weight = {n / (2 * count[0]), n / (2 * count[1])};
  }
  p.classifier_ = Classifier::create(spec.learner);
  p.classifier_->fit(x, labels, weight);
  return p;
}

std::vector<double> ClassificationPipeline::score(const FeatureTable& table,
                                                  const std::string& source) const {
  return classifier_->score(transform_.apply(table, source));
}

DenseMatrix ClassificationPipeline::contributions(const FeatureTable& table,
                                                  const std::string& source) const {
  return classifier_->contributions(transform_.apply(table, source));
}

std::vector<std::string> ClassificationPipeline::rules(const std::string& positiveClass) const {
  const auto* tree = dynamic_cast<const DecisionTreeClassifier*>(classifier_.get());
  if (!tree) return {};
  const nlohmann::json t = transform_.toJson();
  return tree->rules(transform_.outputNames(), t.at("means").get<std::vector<double>>(),
                     t.at("scales").get<std::vector<double>>(), positiveClass);
}

nlohmann::json ClassificationPipeline::save(const std::filesystem::path& folder,
                                            const std::string& stem) const {
  const std::string transformFile = stem + ".transform.json";
  const std::string modelFile = stem + classifier_->fileSuffix();
  AtomicFile::write(folder / transformFile, transform_.toJson().dump() + "\n");
  AtomicFile::writeWith(folder / modelFile,
                        [&](const std::filesystem::path& tmp) { classifier_->save(tmp); });
  return {{"spec", spec_.toJson()}, {"transform_file", transformFile}, {"model_file", modelFile}};
}

ClassificationPipeline ClassificationPipeline::load(const std::filesystem::path& folder,
                                                    const nlohmann::json& entry) {
  const std::string context = folder.string();
  try {
    ClassificationPipeline p;
    p.spec_ = PipelineSpec::fromJson(entry.at("spec"), context);
    const auto transformPath = folder / entry.at("transform_file").get<std::string>();
    std::ifstream in(transformPath);
    if (!in) throw Error(ErrorCode::ModelInvalid, transformPath.string() + ": missing");
    const nlohmann::json t = JsonText::parse(in, transformPath.string(), ErrorCode::ModelInvalid);
    p.transform_ = FeatureTransform::fromJson(t, transformPath.string());
    p.classifier_ =
        Classifier::load(p.spec_.learner, folder / entry.at("model_file").get<std::string>());
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed pipeline entry: " + e.what());
  }
}

}  // namespace medsight

#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "classical/Classifier.h"
#include "classical/FeatureTable.h"
#include "classical/FeatureTransform.h"

namespace medsight {

/// \brief Everything that defines how one pipeline is trained: preprocessing, learner and
/// whether classes are weighted inversely to their frequency.
struct PipelineSpec {
  FeatureTransformSettings transform;
  LearnerSpec learner;
  bool balanced = true;
  /// \brief "svm_rbf(C=1, gamma=0.03), 50 features".
  std::string describe() const;
  /// \brief JSON form.
  nlohmann::json toJson() const;
  /// \brief Reads toJson() output; throws ModelInvalid naming `context`.
  static PipelineSpec fromJson(const nlohmann::json& j, const std::string& context);
};

/// \brief A trained FeatureTransform + Classifier for one feature table. Scores are the
/// classifier's raw scores; probabilities come from the owning model's calibration.
class ClassificationPipeline {
 public:
  /// \brief Fits the transform and the classifier on all rows of `table`.
  static ClassificationPipeline fit(const FeatureTable& table, std::span<const int> labels,
                                    const PipelineSpec& spec, const std::string& source);
  /// \brief Raw scores of the rows of `table` (same columns as in training).
  std::vector<double> score(const FeatureTable& table, const std::string& source) const;
  /// \brief Per-row contributions of the kept features (+ bias column), in the classifier's
  /// score units; empty when the learner offers none.
  DenseMatrix contributions(const FeatureTable& table, const std::string& source) const;
  /// \brief IF-THEN rules when the learner is a decision tree; empty otherwise.
  std::vector<std::string> rules(const std::string& positiveClass) const;

  /// \brief The specification.
  const PipelineSpec& spec() const { return spec_; }
  /// \brief The fitted transform.
  const FeatureTransform& transform() const { return transform_; }

  /// \brief Writes "<stem>.transform.json" and "<stem><classifier suffix>" into `folder`;
  /// returns the JSON entry naming them (for model.json).
  nlohmann::json save(const std::filesystem::path& folder, const std::string& stem) const;
  /// \brief Reads a pipeline saved by save() (files already verified by the package).
  static ClassificationPipeline load(const std::filesystem::path& folder,
                                     const nlohmann::json& entry);

 private:
  PipelineSpec spec_;
  FeatureTransform transform_;
  std::shared_ptr<Classifier> classifier_;  // shared: pipelines are copied into models
};

}  // namespace medsight

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "classical/Classifier.h"

namespace medsight {

/// \brief A single decision tree a clinician can read: grown by OpenCV's CART implementation
/// (cv::ml::DTrees; params max_depth, min_samples) with class weights as priors, then exported
/// to a plain node table whose leaves hold the (weighted) training fraction of positives.
/// Prediction and the printed rules use that table; the export is checked against OpenCV's
/// own predictions on the training rows.
class DecisionTreeClassifier : public Classifier {
 public:
  /// \brief One node: a split (feature <= threshold goes left) or a leaf.
  struct Node {
    int feature = -1;  ///< -1 for a leaf
    double threshold = 0;
    int left = -1, right = -1;
    double positiveFraction = 0;  ///< leaf: weighted share of positives
    int samples = 0, positives = 0;
  };

  /// \brief An untrained tree.
  explicit DecisionTreeClassifier(LearnerSpec spec);
  /// \brief Reads a tree written by save().
  static std::unique_ptr<DecisionTreeClassifier> load(LearnerSpec spec,
                                                      const std::filesystem::path& path);

  const LearnerSpec& spec() const override { return spec_; }
  void fit(const DenseMatrix& x, std::span<const int> y,
           const std::array<double, 2>& classWeight) override;
  std::vector<double> score(const DenseMatrix& x) const override;
  void save(const std::filesystem::path& path) const override;
  std::string fileSuffix() const override { return ".tree.json"; }

  /// \brief The tree as IF ... THEN rules, one per leaf. Thresholds are shown in the original
  /// units: value = z * scale + mean for each (standardised) input feature.
  std::vector<std::string> rules(const std::vector<std::string>& names,
                                 const std::vector<double>& means,
                                 const std::vector<double>& scales,
                                 const std::string& positiveClass) const;
  /// \brief The node table (root first).
  const std::vector<Node>& nodes() const { return nodes_; }

 private:
  int leafOf(const double* row) const;
  LearnerSpec spec_;
  std::vector<Node> nodes_;
  std::size_t features_ = 0;
};

}  // namespace medsight

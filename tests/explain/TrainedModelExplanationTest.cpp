// Explanations of a trained model on a task with a known answer (a bright square), and the
// model-randomisation sanity check: the maps must change when the weights are random.
#include <gtest/gtest.h>

#include <algorithm>

#include "SyntheticBlobModel.h"
#include "explain/ExplanationSanityCheck.h"
#include "explain/ImageExplainer.h"
#include "models/ImageClassifier.h"
#include "models/LabeledImageSet.h"

namespace medsight {
namespace {

/// Mean heatmap inside the square (grown by one pixel) over the mean outside it.
double insideOverOutside(const Image& heat, const std::array<int, 3>& square) {
  double in = 0, out = 0;
  int nin = 0, nout = 0;
  for (int y = 0; y < static_cast<int>(heat.size().y); ++y) {
    for (int x = 0; x < static_cast<int>(heat.size().x); ++x) {
      const bool inside = x >= square[0] - 1 && x < square[0] + square[2] + 1 &&
                          y >= square[1] - 1 && y < square[1] + square[2] + 1;
      (inside ? in : out) += heat.valueAt(static_cast<std::size_t>(x), static_cast<std::size_t>(y));
      (inside ? nin : nout) += 1;
    }
  }
  return (in / nin) / std::max(out / nout, 1e-9);
}

}  // namespace

TEST(TrainedModelExplanation, HeatmapsPointAtTheBrightSquare) {
  const auto& blob = test::trainedBlobModel();
  const auto classifier = ImageClassifier::load(blob.folder, 2);
  ASSERT_GT(classifier.manifest().validation["metrics"]["auc"]["value"].get<double>(), 0.95)
      << "the synthetic task should be learned";
  const auto val = LabeledImageSet::fromNpz(blob.data.npz, "val");
  std::vector<Image> positives;
  std::vector<std::array<int, 3>> squares;
  for (std::size_t i = 0; i < val.size() && positives.size() < 20; ++i) {
    if (val.labels[i] == 1) {
      positives.push_back(val.images[i]);
      squares.push_back(blob.data.valSquares[i]);
    }
  }
  const ImageExplainer explainer(classifier);
  for (const auto method : {ExplanationMethod::GradCam, ExplanationMethod::Occlusion,
                            ExplanationMethod::IntegratedGradients}) {
    ExplanationOptions o;
    o.method = method;
    const auto e = explainer.explainBatch(positives, std::vector<int>(positives.size(), 1), o);
    std::vector<double> ratios;
    for (std::size_t i = 0; i < e.size(); ++i)
      ratios.push_back(insideOverOutside(e[i].heatmap, squares[i]));
    std::nth_element(ratios.begin(), ratios.begin() + ratios.size() / 2, ratios.end());
    const double median = ratios[ratios.size() / 2];
    // Evidence is concentrated on the square: at least twice the density elsewhere.
    EXPECT_GT(median, 2.0) << explanationMethodName(method);
  }
}

TEST(TrainedModelExplanation, ExplanationsChangeWhenTheModelIsRandomised) {
  const auto& blob = test::trainedBlobModel();
  const auto classifier = ImageClassifier::load(blob.folder, 2);
  const auto val = LabeledImageSet::fromNpz(blob.data.npz, "val");
  const std::vector<Image> images(val.images.begin(), val.images.begin() + 10);
  SanityCheckOptions o;
  o.curveSteps = 20;
  o.randomOrders = 2;
  o.firstAndLastOnly = true;  // the top block alone, then every block
  o.explanation.integratedGradientSteps = 32;
  const auto report = ExplanationSanityCheck::run(classifier, images, o);
  ASSERT_EQ(report.methods.size(), 3u);
  for (const auto& m : report.methods) {
    const auto name = explanationMethodName(m.method);
    ASSERT_EQ(m.cascade.size(), 2u);
    EXPECT_EQ(m.cascade.front().block, "fc");
    // Fully randomised weights: the maps no longer resemble the trained model's.
    const auto& last = m.cascade.back();
    EXPECT_LT(last.spearman, 0.5) << name;
    // Faithfulness: deleting the most salient pixels first hurts more than a random order.
    EXPECT_LT(m.deletionAuc, m.deletionAucRandom) << name;
    EXPECT_GT(m.insertionAuc, m.insertionAucRandom) << name;
  }
  EXPECT_NE(report.toText().find("cascading randomisation"), std::string::npos);
}

}  // namespace medsight

// Randomisation, deletion/insertion curves, rank correlation, grid mapping and overlays.
#include <gtest/gtest.h>

#include <cmath>

#include "LinearProbeNetwork.h"
#include "core/Error.h"
#include "eval/RankCorrelation.h"
#include "explain/DeletionInsertionCurve.h"
#include "explain/HeatmapOverlay.h"
#include "explain/ImageExplainer.h"
#include "explain/ModelRandomizer.h"

namespace medsight {

TEST(RankCorrelation, MatchesHandComputedValuesWithTies) {
  const std::vector<double> a{1, 2, 3, 4, 5};
  const std::vector<double> b{5, 6, 7, 8, 7};
  // Mid-ranks of b: 1, 2, 3.5, 5, 3.5. Pearson of (1..5) with them:
  // mean 3 each; sum of products of deviations = (-2)(-2)+(-1)(-1)+0(0.5)+1(2)+2(0.5) = 8;
  // sum of squares 10 and 9.5 -> rho = 8 / sqrt(95) = 0.820782...
  EXPECT_NEAR(RankCorrelation::spearman(a, b), 8.0 / std::sqrt(95.0), 1e-12);
  EXPECT_EQ(RankCorrelation::midRanks(b), (std::vector<double>{1, 2, 3.5, 5, 3.5}));
  const std::vector<double> reversed{9, 7, 5, 3, 1};
  EXPECT_DOUBLE_EQ(RankCorrelation::spearman(a, reversed), -1.0);
  // Monotone but non-linear: Spearman 1, Pearson below 1.
  const std::vector<double> cubes{1, 8, 27, 64, 125};
  EXPECT_DOUBLE_EQ(RankCorrelation::spearman(a, cubes), 1.0);
  EXPECT_LT(RankCorrelation::pearson(a, cubes), 0.99);
  const std::vector<double> flat{2, 2, 2, 2, 2};
  EXPECT_TRUE(std::isnan(RankCorrelation::spearman(a, flat)));
  EXPECT_THROW(RankCorrelation::spearman(a, std::vector<double>{1, 2}), Error);
  EXPECT_THROW(RankCorrelation::pearson(std::vector<double>{}, std::vector<double>{}), Error);
}

TEST(ModelRandomizer, CascadesFromTheOutputAndKeepsLowerBlocks) {
  ArchitectureSpec spec;
  spec.width = 4;
  torch::manual_seed(4);
  auto trained = createClassifierNetwork(spec);
  trained->eval();
  const auto stages = ModelRandomizer::cascadeStages(*trained);
  ASSERT_GE(stages.size(), 10u);
  EXPECT_EQ(stages.front(), "fc");
  EXPECT_EQ(stages[1], "layer4.1");
  EXPECT_EQ(stages.back(), "stem.0");

  torch::manual_seed(5);
  const auto x = torch::randn({3, 1, 28, 28});
  torch::NoGradGuard noGrad;
  const auto same = ModelRandomizer::randomizedCopy(spec, *trained, 0, 1);
  EXPECT_TRUE(torch::allclose(same->forward(x), trained->forward(x), 1e-5, 1e-6));

  const auto top = ModelRandomizer::randomizedCopy(spec, *trained, 1, 1);
  const auto params = trained->named_parameters();
  for (const auto& p : top->named_parameters()) {
    const bool inFc = p.key().rfind("fc.", 0) == 0;
    EXPECT_EQ(torch::equal(p.value(), params[p.key()]), !inFc) << p.key();
  }
  EXPECT_FALSE(torch::allclose(top->forward(x), trained->forward(x)));
  // Same seed, same randomisation: the check is reproducible.
  const auto again = ModelRandomizer::randomizedCopy(spec, *trained, 3, 9);
  const auto again2 = ModelRandomizer::randomizedCopy(spec, *trained, 3, 9);
  EXPECT_TRUE(torch::equal(again->forward(x), again2->forward(x)));
  EXPECT_THROW(ModelRandomizer::randomizedCopy(spec, *trained, stages.size() + 1, 1), Error);
}

TEST(DeletionInsertionCurve, ASalientOrderBeatsARandomOrderOnALinearModel) {
  PreprocessingSpec pre;
  pre.height = pre.width = 8;
  const ClassifierEnsemble ensemble({std::make_shared<test::LinearProbeNetwork>(6.0, 0.0)}, pre,
                                    1.0);
  torch::manual_seed(6);
  const auto x = torch::rand({1, 1, 8, 8});
  // The logit rises with brightness, so the image itself ranks pixels by true importance.
  const auto curve = DeletionInsertionCurve::compute(ensemble, x, x[0][0], 1, 16, 1);
  const auto random = DeletionInsertionCurve::random(ensemble, x, 1, 16, 2);
  ASSERT_EQ(curve.fractions.size(), 17u);
  EXPECT_DOUBLE_EQ(curve.fractions.front(), 0.0);
  EXPECT_DOUBLE_EQ(curve.fractions.back(), 1.0);
  const double p = ensemble.probabilities(x)[0].item<double>();
  const double pBlack = ensemble.probabilities(torch::zeros_like(x))[0].item<double>();
  EXPECT_NEAR(curve.deletion.front(), p, 1e-6);
  EXPECT_NEAR(curve.deletion.back(), pBlack, 1e-6);
  EXPECT_NEAR(curve.insertion.back(), p, 1e-6);
  EXPECT_LT(curve.deletionAuc, random.deletionAuc);
  EXPECT_GT(curve.insertionAuc, random.insertionAuc);
  // The reversed (least salient first) order is the worst case.
  const auto reversed = DeletionInsertionCurve::compute(ensemble, x, -x[0][0], 1, 16, 1);
  EXPECT_GT(reversed.deletionAuc, random.deletionAuc);
}

TEST(ImageExplainer, MapsBackOntoTheInputGridWithItsGeometry) {
  ImageGeometry g;
  g.spacing = {0.5, 0.7, 1.0};
  g.origin = {-10.0, 20.0, 5.0};
  g.direction = {0, 1, 0, 1, 0, 0, 0, 0, -1};
  Image input(PixelType::UInt16, {40, 20, 1, 1}, 2, 1, g);
  input.setModality("DX");
  input.metadata()["source.path"] = "x.dcm";
  // Map at model resolution 28x28 with value 1 everywhere.
  const std::vector<float> ones(28 * 28, 1.0f);
  const Image stretched = ImageExplainer::mapToInputGrid(ones, 28, 28, input, "stretch");
  EXPECT_EQ(stretched.size(), input.size());
  EXPECT_TRUE(stretched.geometry().approxEqual(g));
  EXPECT_EQ(stretched.modality(), "DX");
  EXPECT_EQ(stretched.metadata().at("source.path"), "x.dcm");
  for (float v : stretched.pixels<float>()) EXPECT_NEAR(v, 1.0f, 1e-5);

  // pad_square: a 40x20 image was padded to 40x40 (10 rows above and below) then resized to
  // 28x28; the padded rows of the map (0) must be cut away, the image rows (1) kept.
  std::vector<float> padded(28 * 28, 0.0f);
  for (int y = 7; y < 21; ++y)
    for (int x = 0; x < 28; ++x) padded[static_cast<std::size_t>(y * 28 + x)] = 1.0f;
  const Image unpadded = ImageExplainer::mapToInputGrid(padded, 28, 28, input, "pad_square");
  EXPECT_EQ(unpadded.size(), input.size());
  EXPECT_NEAR(unpadded.valueAt(20, 10), 1.0, 1e-5);
  EXPECT_NEAR(unpadded.valueAt(5, 3), 1.0, 0.05);
  EXPECT_NEAR(unpadded.valueAt(5, 16), 1.0, 0.05);
}

TEST(HeatmapOverlay, LeavesAnatomyWhereThereIsNoEvidence) {
  Image grey(PixelType::UInt8, {8, 6, 1, 1}, 2);
  auto px = grey.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 5);
  grey.geometry().spacing = {0.3, 0.3, 1.0};
  Image heat(PixelType::Float32, {8, 6, 1, 1}, 2, 1, grey.geometry());
  heat.setValueAt(1.0, 4, 3);
  const Image overlay = HeatmapOverlay::render(grey, heat, 0.6);
  EXPECT_EQ(overlay.components(), 3);
  EXPECT_EQ(overlay.pixelType(), PixelType::UInt8);
  EXPECT_EQ(overlay.size(), grey.size());
  EXPECT_TRUE(overlay.geometry().approxEqual(grey.geometry()));
  // Zero evidence: grey stays grey (R = G = B).
  EXPECT_EQ(overlay.valueAt(0, 0, 0, 0, 0), overlay.valueAt(0, 0, 0, 0, 1));
  EXPECT_EQ(overlay.valueAt(1, 1, 0, 0, 0), overlay.valueAt(1, 1, 0, 0, 2));
  // Full evidence: the colour map's hottest colour (red-dominant in Turbo) shows.
  EXPECT_GT(overlay.valueAt(4, 3, 0, 0, 0), overlay.valueAt(4, 3, 0, 0, 2) + 40);
  Image wrong(PixelType::Float32, {7, 6, 1, 1}, 2);
  EXPECT_THROW(HeatmapOverlay::render(grey, wrong), Error);
  const Image bar = HeatmapOverlay::colourBar(64);
  EXPECT_EQ(bar.size().x, 64u);
  EXPECT_EQ(bar.components(), 3);
}

}  // namespace medsight

// Grad-CAM, occlusion and integrated gradients against closed forms on a linear network.
#include <gtest/gtest.h>

#include <cmath>

#include "LinearProbeNetwork.h"
#include "core/Error.h"
#include "explain/Attribution.h"
#include "explain/GradCamExplainer.h"
#include "explain/IntegratedGradientsExplainer.h"
#include "explain/OcclusionExplainer.h"

namespace medsight {
namespace {

PreprocessingSpec spec(int side) {
  PreprocessingSpec s;
  s.height = side;
  s.width = side;
  s.mean = 0.5;
  s.std = 0.25;
  return s;
}

ClassifierEnsemble probe(int side, double weight = 1.0, double bias = 0.0,
                         double temperature = 1.0) {
  return ClassifierEnsemble({std::make_shared<test::LinearProbeNetwork>(weight, bias)}, spec(side),
                            temperature);
}

torch::Tensor ramp(int side) {
  // Pixel values 0 .. 1 increasing along x and y: some below the normalisation mean, some above.
  return (torch::arange(side * side, torch::kFloat32) / (side * side - 1)).view({1, 1, side, side});
}

}  // namespace

TEST(GradCamExplainer, EqualsRectifiedNormalisedInputForALinearHead) {
  const int side = 6;
  const auto ensemble = probe(side, 2.0);
  const auto x = ramp(side);
  const auto cam = GradCamExplainer::attribute(ensemble, x, torch::ones({1}), "input");
  // d logit / d f = weight / (H W) everywhere, so alpha = 2/36 and cam = relu(alpha * f).
  const auto f = (x - 0.5) / 0.25;
  const auto expected = torch::relu(f * (2.0 / 36.0)).view({1, side, side});
  EXPECT_TRUE(torch::allclose(cam, expected, 1e-5, 1e-6));
  // For the negative label the sign flips: evidence where f < 0.
  const auto camNeg = GradCamExplainer::attribute(ensemble, x, -torch::ones({1}), "input");
  EXPECT_TRUE(
      torch::allclose(camNeg, torch::relu(-f * (2.0 / 36.0)).view({1, side, side}), 1e-5, 1e-6));
}

TEST(GradCamExplainer, RejectsAnUnknownLayer) {
  const auto ensemble = probe(4);
  try {
    GradCamExplainer::attribute(ensemble, ramp(4), torch::ones({1}), "layer3");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("layer3"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("input"), std::string::npos);
  }
}

TEST(OcclusionExplainer, IsTheProbabilityDropUnderEachPatch) {
  const int side = 4;
  const auto ensemble = probe(side, 3.0, 0.1, 1.5);
  const auto x = ramp(side);
  // 2x2 patches, stride 2: four disjoint patches, each pixel covered once.
  const auto map = OcclusionExplainer::attribute(ensemble, x, torch::ones({1}), 2, 2, 0.0);
  auto probability = [](const torch::Tensor& img) {
    const double f = ((img - 0.5) / 0.25).mean().item<double>();
    return 1.0 / (1.0 + std::exp(-(3.0 * f + 0.1) / 1.5));
  };
  const double reference = probability(x);
  for (int py = 0; py < side; py += 2) {
    for (int px = 0; px < side; px += 2) {
      auto occluded = x.clone();
      occluded.slice(2, py, py + 2).slice(3, px, px + 2).fill_(0.0);
      const double drop = reference - probability(occluded);
      for (int y = py; y < py + 2; ++y) {
        for (int xx = px; xx < px + 2; ++xx) {
          EXPECT_NEAR(map[0][y][xx].item<double>(), drop, 1e-5) << "pixel " << xx << "," << y;
        }
      }
    }
  }
}

TEST(OcclusionExplainer, OverlappingPatchesAverageAndCoverEveryPixel) {
  const int side = 7;
  const auto ensemble = probe(side);
  const auto map =
      OcclusionExplainer::attribute(ensemble, ramp(side), torch::ones({1}), 3, 2, -1.0);
  EXPECT_EQ(map.sizes(), (std::vector<int64_t>{1, side, side}));
  EXPECT_TRUE(torch::isfinite(map).all().item<bool>());
  // Bright pixels (above the image mean used as the patch value) support the positive label.
  EXPECT_GT(map[0][side - 1][side - 1].item<double>(), 0.0);
  EXPECT_LT(map[0][0][0].item<double>(), 0.0);
}

TEST(OcclusionExplainer, RejectsAPatchLargerThanTheInput) {
  EXPECT_THROW(OcclusionExplainer::attribute(probe(4), ramp(4), torch::ones({1}), 5, 1), Error);
}

TEST(IntegratedGradientsExplainer, IsExactAndCompleteForALinearModel) {
  const int side = 5;
  const auto ensemble = probe(side, 1.7);
  const auto x = ramp(side);
  torch::Tensor completeness;
  const auto ig = IntegratedGradientsExplainer::attribute(ensemble, x, torch::ones({1}), 16, 0.0,
                                                          &completeness);
  // Gradient of 1.7 * mean((x - 0.5) / 0.25) is 1.7 / (0.25 * 25) per pixel.
  const auto expected = (x * (1.7 / (0.25 * 25))).view({1, side, side});
  EXPECT_TRUE(torch::allclose(ig, expected, 1e-5, 1e-6));
  EXPECT_LT(completeness[0].item<double>(), 1e-4);
  // Explaining the negative label flips every attribution.
  const auto neg = IntegratedGradientsExplainer::attribute(ensemble, x, -torch::ones({1}), 16, 0.0);
  EXPECT_TRUE(torch::allclose(neg, -expected, 1e-5, 1e-6));
}

TEST(IntegratedGradientsExplainer, NearlyCompleteForAResNet) {
  ArchitectureSpec a;
  a.width = 4;
  torch::manual_seed(1);
  const ClassifierEnsemble ensemble({createClassifierNetwork(a)}, spec(28), 1.0);
  torch::manual_seed(2);
  const auto x = torch::rand({2, 1, 28, 28});
  torch::Tensor completeness;
  IntegratedGradientsExplainer::attribute(ensemble, x, torch::tensor({1.0f, -1.0f}), 128, 0.0,
                                          &completeness);
  // The Riemann sum converges to the path integral; 128 steps leave a small error only.
  EXPECT_LT(completeness.max().item<double>(), 0.05);
}

TEST(Attribution, DispatchesOnTheMethodAndRejectsBadSteps) {
  const auto ensemble = probe(4);
  ExplanationOptions o;
  o.method = ExplanationMethod::IntegratedGradients;
  o.integratedGradientSteps = 0;
  EXPECT_THROW(computeAttribution(ensemble, ramp(4), torch::ones({1}), o, "input"), Error);
  o.method = ExplanationMethod::GradCam;
  torch::Tensor completeness;
  const auto m = computeAttribution(ensemble, ramp(4), torch::ones({1}), o, "input", &completeness);
  EXPECT_EQ(m.sizes(), (std::vector<int64_t>{1, 4, 4}));
  EXPECT_TRUE(std::isnan(completeness[0].item<double>()));
  EXPECT_EQ(parseExplanationMethod("ig"), ExplanationMethod::IntegratedGradients);
  EXPECT_THROW(parseExplanationMethod("lime"), Error);
}

}  // namespace medsight

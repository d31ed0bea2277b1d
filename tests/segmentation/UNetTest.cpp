#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/Error.h"
#include "models/UNet.h"
#include "segmentation/DiceCrossEntropyLoss.h"
#include "segmentation/SlidingWindowInferer.h"

namespace medsight {
namespace {

TEST(UNet, TwoDimensionalMultiChannelShapes) {
  UNetSpec s;
  s.dimensions = 2;
  s.inputChannels = 3;
  s.baseChannels = 4;
  s.depth = 3;
  UNet net(s);
  const auto y = net->forward(torch::randn({2, 3, 32, 24}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 2, 32, 24}));
  EXPECT_THROW(net->forward(torch::randn({2, 3, 30, 24})), Error);  // 30 not divisible by 4
  EXPECT_THROW(net->forward(torch::randn({2, 1, 32, 24})), Error);  // wrong channels
}

TEST(UNet, ThreeDimensionalSingleChannelShapes) {
  UNetSpec s;
  s.dimensions = 3;
  s.inputChannels = 1;
  s.classes = 3;
  s.baseChannels = 4;
  s.depth = 3;
  s.normalization = "batch";
  UNet net(s);
  const auto y = net->forward(torch::randn({1, 1, 8, 16, 16}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 3, 8, 16, 16}));
  UNetSpec bad = s;
  bad.dimensions = 4;
  EXPECT_THROW(UNet{bad}, Error);
}

TEST(DiceCrossEntropyLoss, IsSmallForAPerfectPredictionAndLearnsOtherwise) {
  const auto target = torch::randint(0, 2, {2, 16, 16}, torch::kInt64);
  const auto perfect = (torch::one_hot(target, 2).movedim(-1, 1).to(torch::kFloat32) * 40.0 - 20.0);
  const DiceCrossEntropyLoss loss;
  EXPECT_LT(loss(perfect, target).item<double>(), 1e-3);
  // A few gradient steps on free logits lower the loss. Both terms are means over the 512
  // pixels, so each logit's gradient is O(1/512): plain SGD at rate 1 would move a logit by
  // ~0.1 in 20 steps and could not halve the loss however correct it is. Adam's steps are
  // ~rate per logit whatever the gradient's scale, and only go downhill if the gradient is right.
  auto logits = torch::zeros({2, 2, 16, 16}, torch::requires_grad());
  torch::optim::Adam opt({logits}, torch::optim::AdamOptions(0.1));
  const double first = loss(logits, target).item<double>();
  for (int i = 0; i < 20; ++i) {
    opt.zero_grad();
    auto l = loss(logits, target);
    l.backward();
    opt.step();
  }
  EXPECT_LT(loss(logits, target).item<double>(), 0.5 * first);
}

TEST(SlidingWindowInferer, BlendedTilesReproduceAnIdentityNetworkExactly) {
  // A "network" that returns its centre input channel: the blended output must equal the image
  // everywhere, including borders and volumes smaller or not a multiple of the patch.
  ImageGeometry g;
  g.spacing = {2, 2, 3};
  Image img(PixelType::Float32, {45, 70, 5, 1}, 3, 1, g);
  auto p = img.pixels<float>();
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<float>((i * 37) % 101) / 101.0f;
  SlidingWindowSettings s;
  s.patchSize = {32, 32, 1};
  s.contextSlices = 1;
  s.overlap = 0.5;
  s.mirror = true;
  s.batchSize = 5;
  const Image out = SlidingWindowInferer(s).run(
      img, [](const torch::Tensor& x) { return x.select(1, 1).clone(); });
  ASSERT_TRUE(out.sameGrid(img));
  const auto o = out.pixels<float>();
  for (std::size_t i = 0; i < p.size(); ++i) ASSERT_NEAR(o[i], p[i], 1e-5) << i;
  EXPECT_EQ(SlidingWindowInferer::tileStarts(70, 32, 0.5), (std::vector<long>{0, 13, 25, 38}));
  EXPECT_EQ(SlidingWindowInferer::tileStarts(20, 32, 0.5), (std::vector<long>{0}));
}

}  // namespace
}  // namespace medsight

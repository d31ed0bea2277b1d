#include "models/ClassifierNetwork.h"

#include <gtest/gtest.h>

#include "core/Error.h"
#include "models/Augmenter.h"
#include "models/ImagePreprocessor.h"

namespace medsight {

TEST(ClassifierNetwork, ResNetAndMobileNetAcceptSmallAndLargeInputs) {
  torch::NoGradGuard noGrad;
  for (const char* name : {"resnet18", "resnet34", "mobilenet"}) {
    for (int size : {28, 224}) {
      for (int channels : {1, 3}) {
        ArchitectureSpec spec;
        spec.name = name;
        spec.inputSize = size;
        spec.inputChannels = channels;
        spec.width = 8;
        spec.outputs = 2;
        auto net = createClassifierNetwork(spec);
        net->eval();
        const auto out = net->forward(torch::randn({2, channels, size, size}));
        EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 2})) << name << " " << size;
        const auto f = net->features(torch::randn({1, channels, size, size}));
        EXPECT_EQ(f.dim(), 4);
        EXPECT_GE(f.size(2), 1);
      }
    }
  }
}

TEST(ClassifierNetwork, SmallInputStemKeepsResolution) {
  ArchitectureSpec spec;
  spec.inputSize = 28;
  spec.width = 8;
  auto net = createClassifierNetwork(spec);
  // Three stride-2 stages: 28 -> 14 -> 7 -> 4.
  EXPECT_EQ(net->features(torch::zeros({1, 1, 28, 28})).size(2), 4);
  spec.inputSize = 224;
  auto big = createClassifierNetwork(spec);
  EXPECT_EQ(big->features(torch::zeros({1, 1, 224, 224})).size(2), 7);
}

TEST(ClassifierNetwork, UnknownArchitectureIsAConfigurationError) {
  ArchitectureSpec spec;
  spec.name = "vgg";
  try {
    createClassifierNetwork(spec);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
  }
}

TEST(ImagePreprocessor, MapsUint8ToUnitRangeAndResizes) {
  PreprocessingSpec spec;
  spec.height = 16;
  spec.width = 16;
  ImagePreprocessor pre(spec);
  Image image(PixelType::UInt8, {32, 32, 1, 1}, 2);
  for (std::size_t y = 0; y < 32; ++y) {
    for (std::size_t x = 16; x < 32; ++x) image.setValueAt(255, x, y);
  }
  const auto t = pre.toUnitTensor(image);
  EXPECT_EQ(t.sizes(), (std::vector<int64_t>{1, 16, 16}));
  EXPECT_NEAR(t[0][8][2].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(t[0][8][13].item<double>(), 1.0, 1e-6);
}

TEST(ImagePreprocessor, WindowsCtAndRefusesVolumes) {
  PreprocessingSpec spec;
  spec.height = 8;
  spec.width = 8;
  spec.intensity = "window";
  spec.windowCenter = 40;
  spec.windowWidth = 400;
  ImagePreprocessor pre(spec);
  Image ct(PixelType::Int16, {8, 8, 1, 1}, 2);
  ct.setValueAt(-1000, 0, 0);
  ct.setValueAt(240, 1, 0);
  ct.setValueAt(40, 2, 0);
  const auto t = pre.toUnitTensor(ct);
  EXPECT_NEAR(t[0][0][0].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(t[0][0][1].item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(t[0][0][2].item<double>(), 0.5, 1e-6);
  Image volume(PixelType::Int16, {8, 8, 4, 1}, 3);
  try {
    pre.toUnitTensor(volume);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::WrongModality);
  }
}

TEST(ImagePreprocessor, ColourBecomesGreyAndMonochrome1IsInverted) {
  PreprocessingSpec spec;
  spec.height = 8;
  spec.width = 8;
  ImagePreprocessor pre(spec);
  Image rgb(PixelType::UInt8, {8, 8, 1, 1}, 2, 3);
  rgb.setValueAt(255, 0, 0, 0, 0, 1);  // pure green: luma 0.587
  EXPECT_NEAR(pre.toUnitTensor(rgb)[0][0][0].item<double>(), 0.587, 1e-3);
  Image cr(PixelType::UInt8, {8, 8, 1, 1}, 2);
  cr.metadata()["PhotometricInterpretation"] = "MONOCHROME1";
  EXPECT_NEAR(pre.toUnitTensor(cr)[0][0][0].item<double>(), 1.0, 1e-6);
}

TEST(Augmenter, IsDeterministicForASeedAndKeepsRange) {
  AugmentationSpec spec;
  spec.rotationDegrees = 15;
  spec.translate = 0.1;
  spec.contrast = 0.2;
  spec.noiseStd = 0.05;
  Augmenter augmenter(spec);
  const auto batch = torch::rand({4, 1, 16, 16});
  const auto a = augmenter.apply(batch, 7), b = augmenter.apply(batch, 7),
             c = augmenter.apply(batch, 8);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, c));
  EXPECT_GE(a.min().item<double>(), 0.0);
  EXPECT_LE(a.max().item<double>(), 1.0);
  // Disabled augmentation is the identity.
  EXPECT_TRUE(torch::equal(Augmenter(AugmentationSpec{}).apply(batch, 1), batch));
}

}  // namespace medsight

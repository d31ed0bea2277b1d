#include "segmentation/IntensitySignature.h"

#include <gtest/gtest.h>

#include <random>

#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "support/TestData.h"

namespace medsight {
namespace {

// A volume whose voxels are `background` in a fifth of the image and uniform in [lo, hi]
// elsewhere: enough to place the 1st and 99th percentiles.
Image volume(float background, float lo, float hi, unsigned seed) {
  Image img(PixelType::Float32, {32, 32, 8, 1}, 3, 1, ImageGeometry{});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  auto px = img.pixels<float>();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = (i % 5 == 0) ? background : u(rng);
  return img;
}

TEST(IntensitySignature, RefusesOtherUnitsAndAcceptsRescaledSameModality) {
  const Image mr1 = volume(0, 100, 1000, 1), mr2 = volume(0, 150, 1300, 2);
  const auto sig = IntensitySignature::learn({&mr1, &mr2});
  ASSERT_FALSE(sig.empty());
  EXPECT_FALSE(sig.check(volume(0, 80, 900, 3)).has_value());
  EXPECT_FALSE(sig.check(volume(0, 200, 3000, 4)).has_value());  // another scanner's scaling
  const auto ct = sig.check(volume(-1000, -100, 1200, 5));       // Hounsfield units
  ASSERT_TRUE(ct.has_value());
  EXPECT_NE(ct->find("1st percentile -1000"), std::string::npos) << *ct;
  EXPECT_TRUE(sig.check(volume(0, 0.1f, 8.0f, 6)).has_value());  // PET in SUV

  // Round trip through the manifest form; an absent signature accepts everything.
  const auto back = IntensitySignature::fromJson(sig.toJson());
  EXPECT_EQ(back.toJson(), sig.toJson());
  EXPECT_TRUE(back.check(volume(-1000, -100, 1200, 5)).has_value());
  const auto none = IntensitySignature::fromJson(nullptr);
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.check(volume(-1000, -100, 1200, 5)).has_value());
  EXPECT_THROW(IntensitySignature::fromJson({{"p01", {1.0}}, {"p99", {2.0, 3.0}}}), Error);
}

// On the sarcoma cohort: learned from the MR T1 of 18 patients, the MR T1 of the other 4 are
// accepted and the CT and PET of every patient (NIfTI, no modality tag) are refused.
TEST(IntensitySignatureData, StsMrSignatureRefusesCtAndPetOfTheSamePatients) {
  MEDSIGHT_DATASET(root, "sts/nifti");
  std::vector<std::string> ids;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (std::filesystem::exists(e.path() / "MR_T1_image.nii.gz")) {
      ids.push_back(e.path().filename().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  ASSERT_GE(ids.size(), 10u);
  std::vector<Image> train;
  for (std::size_t i = 4; i < ids.size(); ++i) {
    train.push_back(ImageFileReader::read(root / ids[i] / "MR_T1_image.nii.gz"));
  }
  std::vector<const Image*> ptrs;
  for (const auto& t : train) ptrs.push_back(&t);
  const auto sig = IntensitySignature::learn(ptrs);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i < 4) {
      const auto mr = ImageFileReader::read(root / ids[i] / "MR_T1_image.nii.gz");
      EXPECT_FALSE(sig.check(mr).has_value()) << ids[i] << ": " << sig.check(mr).value_or("");
    }
    for (const char* other : {"CT_image.nii.gz", "PET_image.nii.gz"}) {
      EXPECT_TRUE(sig.check(ImageFileReader::read(root / ids[i] / other)).has_value())
          << ids[i] << " " << other;
    }
  }
}

}  // namespace
}  // namespace medsight

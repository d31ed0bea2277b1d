#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "preprocess/MaskComparison.h"
#include "registration/HeaderRepositioner.h"
#include "registration/ImageRegistration.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

std::array<double, 3> centreOf(const Image& img) {
  return img.geometry().indexToPhysical(
      {(img.size().x - 1) / 2.0, (img.size().y - 1) / 2.0, (img.size().z - 1) / 2.0});
}

// The cohort's MR and PET are already aligned with the CT (IBSI preparation), so a known rigid
// misalignment is put on the moving image and its mask; registration must undo it.
void expectRegistrationRaisesDice(const std::string& patient, const std::string& modality) {
  const auto dir = test::datasetPath("sts/nifti/" + patient);
  const Image ct = ImageFileReader::read(dir / "CT_image.nii.gz");
  Image ctMask = ImageFileReader::read(dir / "CT_mask.nii.gz");
  ctMask.geometry() = ct.geometry();
  Image moving = ImageFileReader::read(dir / (modality + "_image.nii.gz"));
  Image movingMask = ImageFileReader::read(dir / (modality + "_mask.nii.gz"));
  movingMask.geometry() = moving.geometry();
  const auto c = centreOf(moving);
  HeaderRepositioner::reposition(moving, {0.0, 0.05, 0.12}, {9, -7, 4}, c);
  HeaderRepositioner::reposition(movingMask, {0.0, 0.05, 0.12}, {9, -7, 4}, c);

  const double before = MaskComparison::dice(
      SpatialTransform().resample(movingMask, ct, Interpolation::Nearest), ctMask);
  RegistrationSettings s;
  s.threads = 2;
  const auto r = ImageRegistration(s).run(ct, moving);
  const double after =
      MaskComparison::dice(r.transform.resample(movingMask, ct, Interpolation::Nearest), ctMask);
  ::testing::Test::RecordProperty(patient + "_" + modality + "_dice_before",
                                  std::to_string(before));
  ::testing::Test::RecordProperty(patient + "_" + modality + "_dice_after", std::to_string(after));
  EXPECT_GT(after, before + 0.15) << patient << " " << modality;
  EXPECT_GT(after, 0.8) << patient << " " << modality << " seconds " << r.seconds;
}

TEST(ImageRegistrationData, MrToCtRaisesGtvDice) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_005");
  expectRegistrationRaisesDice("STS_005", "MR_T1");
}

TEST(ImageRegistrationData, PetToCtRaisesGtvDice) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_014");
  expectRegistrationRaisesDice("STS_014", "PET");
}

int medsight(const std::string& args, std::string* out, std::string* err) {
  return test::runCommand(test::medsightExecutable().string() + " " + args, out, err);
}

TEST(RegistrationCommandsE2E, RegisterWritesTransformImageMaskAndFusedViews) {
  MEDSIGHT_DATASET(dir, "sts/dicom/STS_001");
  const auto tmp = test::temporaryDirectory("register-cli");
  std::string out, err;
  // DICOM CT as the fixed image (so a derived DICOM series can be written), NIfTI PET moving.
  const auto nifti = test::datasetPath("sts/nifti/STS_001");
  ASSERT_EQ(medsight("register --json " + (dir / "CT/image").string() + " " +
                         (nifti / "PET_image.nii.gz").string() + " --out " + (tmp / "r").string() +
                         " --moving-mask " + (nifti / "PET_mask.nii.gz").string() + " --out-mask " +
                         (tmp / "m.nii.gz").string() + " --fuse-png " + (tmp / "f.png").string() +
                         " --fuse-dicom " + (tmp / "fused").string(),
                     &out, &err),
            0)
      << err;
  EXPECT_TRUE(std::filesystem::exists(tmp / "r.tfm"));
  EXPECT_TRUE(std::filesystem::exists(tmp / "r.json"));
  const Image moved = ImageFileReader::read(tmp / "r.nii.gz");
  const Image ct = ImageFileReader::read(dir / "CT/image");
  EXPECT_TRUE(moved.sameGrid(ct, 1e-3));
  const Image png = ImageFileReader::read(tmp / "f.png");
  EXPECT_EQ(png.components(), 3);
  EXPECT_EQ(png.size().x, ct.size().x);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp / "fused"))
    files += e.is_regular_file();
  EXPECT_EQ(files, ct.size().z);
  const json report = json::parse(out);
  EXPECT_LT(report["final_metric"].get<double>(), report["initial_metric"].get<double>() + 1e-9);
}

TEST(RegistrationCommandsE2E, NonConvergenceWritesNoTransform) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_002");
  const auto tmp = test::temporaryDirectory("register-fail");
  std::ofstream(tmp / "s.json") << R"({"shrink_factors": [1], "smoothing_sigmas_mm": [0],
      "rigid": {"iterations": [3]}, "affine": {"iterations": [3]}, "bspline": {"iterations": [3]}})";
  std::string out, err;
  const int code = medsight("register " + (dir / "CT_image.nii.gz").string() + " " +
                                (dir / "MR_T1_image.nii.gz").string() + " --settings " +
                                (tmp / "s.json").string() + " --out " + (tmp / "r").string(),
                            &out, &err);
  EXPECT_EQ(code, errorCodeInfo(ErrorCode::NotConverged).exitCode) << err;
  EXPECT_NE(err.find("did not converge"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "r.tfm"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "r.nii.gz"));
}

}  // namespace
}  // namespace medsight

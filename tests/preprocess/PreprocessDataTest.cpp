#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "io/RasterImageIO.h"
#include "preprocess/DatasetPlanner.h"
#include "preprocess/IntensityStatistics.h"
#include "preprocess/PreprocessPipeline.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

double coefficientOfVariation(const Image& image, const Image& mask) {
  const auto s = IntensityStatistics::collect(image, &mask);
  return s.standardDeviation() / s.mean();
}

// The cohort's MR is already N4-corrected (MIRP), so a known smooth multiplicative field is
// put on it; N4 must take most of the added variation out of the tumour again.
TEST(PreprocessStepsData, N4LowersTheCoefficientOfVariationInsideTheTumour) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_001");
  Image mr = ImageFileReader::read(dir / "MR_T1_image.nii.gz").castTo(PixelType::Float32);
  const Image mask = ImageFileReader::read(dir / "MR_T1_mask.nii.gz");
  const double cleanCov = coefficientOfVariation(mr, mask);
  const auto& s = mr.size();
  auto px = mr.pixels<float>();
  std::size_t i = 0;
  for (std::size_t z = 0; z < s.z; ++z)
    for (std::size_t y = 0; y < s.y; ++y)
      for (std::size_t x = 0; x < s.x; ++x, ++i) {
        const double u = double(x) / s.x - 0.5, v = double(y) / s.y - 0.5;
        px[i] = static_cast<float>(px[i] * std::exp(0.8 * u + 0.5 * v + 0.6 * u * u));
      }
  const double biasedCov = coefficientOfVariation(mr, mask);
  ASSERT_GT(biasedCov, cleanCov * 1.15) << "the synthetic field should add variation";
  PreprocessSubject subject{mr, mask};
  PreprocessPipeline::fromJson(json::array({{{"step", "n4_bias_correction"}}}), "n4").run(subject);
  const double correctedCov = coefficientOfVariation(subject.image, mask);
  RecordProperty("cov_clean", std::to_string(cleanCov));
  RecordProperty("cov_biased", std::to_string(biasedCov));
  RecordProperty("cov_corrected", std::to_string(correctedCov));
  EXPECT_LT(correctedCov, biasedCov - 0.5 * (biasedCov - cleanCov))
      << "clean " << cleanCov << " biased " << biasedCov << " corrected " << correctedCov;
  EXPECT_TRUE(subject.image.sameGrid(mr, 1e-9));
}

TEST(PreprocessStepsData, FatReferenceIsInvariantToScannerScaling) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_003/MR_T1_image.nii.gz");
  Image mr = ImageFileReader::read(dir).castTo(PixelType::Float32);
  mr.setModality("MR");
  const auto pipeline =
      PreprocessPipeline::fromJson(json::array({{{"step", "fat_reference"}}}), "f");
  const Image a = pipeline.run(mr);
  for (float& v : mr.pixels<float>()) v *= 3.7f;
  const Image b = pipeline.run(mr);
  const auto pa = a.pixels<float>(), pb = b.pixels<float>();
  double worst = 0;
  for (std::size_t i = 0; i < pa.size(); ++i)
    worst = std::max(worst, double(std::abs(pa[i] - pb[i])));
  EXPECT_LT(worst, 0.02);
  const auto rec = json::parse(a.metadata().at(PreprocessPipeline::kRecordKey));
  EXPECT_GT(rec[0]["measured"]["fat_fraction"].get<double>(), 0.02);
}

TEST(DatasetPlannerData, PlansTheSarcomaMrCohort) {
  MEDSIGHT_DATASET(dir, "sts/nifti");
  const auto fp = DatasetFingerprint::measure(dir, "MR_T1_image.nii.gz", "MR_T1_mask.nii.gz", 2);
  ASSERT_EQ(fp.cases.size(), 22u);
  PlanningOptions o;
  o.modality = "MR";
  const json plan = DatasetPlanner::plan(fp, o);
  const auto spacing = plan["target_spacing_mm"].get<std::array<double, 3>>();
  EXPECT_NEAR(spacing[0], 0.977, 0.01);
  EXPECT_NEAR(spacing[2], 3.27, 0.01);
  EXPECT_TRUE(plan["anisotropic"].get<bool>());
  for (int p : plan["patch_size"].get<std::vector<int>>()) {
    if (p != 1) {
      EXPECT_EQ(p % 8, 0);
    }
  }
  EXPECT_EQ(plan["preprocessing"]["steps"][1]["step"], "zscore");
  EXPECT_NO_THROW(PreprocessPipeline::fromJson(plan["preprocessing"], "plan"));
  const double fraction = plan["class_balance"]["mean_foreground_fraction"].get<double>();
  EXPECT_GT(fraction, 0.01);
  EXPECT_LT(fraction, 0.3);

  const auto ct = DatasetFingerprint::measure(dir, "CT_image.nii.gz", "CT_mask.nii.gz", 2);
  o.modality = "CT";
  const json ctPlan = DatasetPlanner::plan(ct, o);
  EXPECT_EQ(ctPlan["preprocessing"]["steps"][1]["step"], "ct_window");
  // Soft-tissue tumours: the window centre lies in soft-tissue HU.
  EXPECT_GT(ctPlan["preprocessing"]["steps"][1]["center"].get<double>(), -100);
  EXPECT_LT(ctPlan["preprocessing"]["steps"][1]["center"].get<double>(), 200);
}

using test::medsight;

TEST(PreprocessCommandsE2E, PreprocessWritesImageAndReplayableRecord) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_002");
  const auto tmp = test::temporaryDirectory("preprocess-cli");
  std::ofstream(tmp / "p.json") << R"({"steps": [{"step": "resample", "spacing": [2, 2, 3.27]},
      {"step": "crop", "margin_mm": 10}, {"step": "zscore"}]})";
  std::string out, err;
  ASSERT_EQ(medsight("preprocess --json --pipeline " + (tmp / "p.json").string() + " " +
                         (dir / "MR_T1_image.nii.gz").string() + " " + (tmp / "o.nii.gz").string() +
                         " --mask " + (dir / "MR_T1_mask.nii.gz").string() + " --mask-out " +
                         (tmp / "m.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  const Image o = ImageFileReader::read(tmp / "o.nii.gz");
  const Image m = ImageFileReader::read(tmp / "m.nii.gz");
  EXPECT_TRUE(o.sameGrid(m, 1e-3));
  EXPECT_NEAR(o.geometry().spacing[0], 2.0, 1e-4);
  const json sidecar = json::parse(std::ifstream(tmp / "o.json"));
  EXPECT_EQ(sidecar["pipeline"]["steps"].size(), 3u);
  // Replaying the sidecar on the same input gives the same image.
  ASSERT_EQ(medsight("preprocess --pipeline " + (tmp / "o.json").string() + " " +
                         (dir / "MR_T1_image.nii.gz").string() + " " + (tmp / "r.nii.gz").string() +
                         " --mask " + (dir / "MR_T1_mask.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  const Image r = ImageFileReader::read(tmp / "r.nii.gz");
  ASSERT_TRUE(r.sameGrid(o, 1e-6));
  const auto a = o.castTo(PixelType::Float32), b = r.castTo(PixelType::Float32);
  for (std::size_t i = 0; i < a.pixels<float>().size(); ++i) {
    ASSERT_FLOAT_EQ(a.pixels<float>()[i], b.pixels<float>()[i]);
  }
}

TEST(PreprocessCommandsE2E, UnknownStepFailsClearlyAndWritesNothing) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_002/MR_T1_image.nii.gz");
  const auto tmp = test::temporaryDirectory("preprocess-bad");
  std::ofstream(tmp / "p.json") << R"({"steps": [{"step": "sharpen_magic"}]})";
  std::ofstream(tmp / "bad.json") << R"({"steps": [)";
  std::string out, err;
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "p.json").string() + " " + dir.string() +
                         " " + (tmp / "o.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::InvalidConfiguration).exitCode);
  EXPECT_NE(err.find("unknown step 'sharpen_magic'"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "o.nii.gz"));
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "bad.json").string() + " " + dir.string() +
                         " " + (tmp / "o.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::BadJson).exitCode);
  // An output that cannot be written is found before the pipeline runs: nothing is written.
  std::ofstream(tmp / "ok.json") << R"({"steps": [{"step": "median"}]})";
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "ok.json").string() + " " + dir.string() +
                         " " + (tmp / "o.nii.gz").string() + " --record " +
                         (tmp / "missing" / "r.json").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::FileNotFound).exitCode);
  EXPECT_NE(err.find("--record"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "o.nii.gz"));
  // A spacing of 2 values is for 2D images; on a volume its z would silently copy y.
  std::ofstream(tmp / "r2.json") << R"({"steps": [{"step": "resample", "spacing": [1, 1]}]})";
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "r2.json").string() + " " + dir.string() +
                         " " + (tmp / "o.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_NE(err.find("give 3 (x, y, z)"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "o.nii.gz"));
  // --modality takes the DICOM codes in any case, and nothing else.
  // (A CT window refuses any image whose modality is not CT, so "ct" must become CT.)
  std::ofstream(tmp / "w.json") << R"({"steps": [{"step": "ct_window", "preset": "soft_tissue"}]})";
  const auto ct = dir.parent_path() / "CT_image.nii.gz";
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "w.json").string() + " " + ct.string() +
                         " " + (tmp / "o.nii.gz").string() + " --modality ct",
                     &out, &err),
            0)
      << err;
  std::ofstream(tmp / "z.json") << R"({"steps": [{"step": "zscore"}]})";
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "z.json").string() + " " + dir.string() +
                         " " + (tmp / "o2.nii.gz").string() + " --modality XR",
                     &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  // The ending is accepted in any case; the NIfTI writer and the record's name follow it.
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "ok.json").string() + " " + dir.string() +
                         " " + (tmp / "UP.NII.GZ").string(),
                     &out, &err),
            0)
      << err;
  EXPECT_EQ(ImageFileReader::read(tmp / "UP.NII.GZ").size().z, ImageFileReader::read(dir).size().z);
  EXPECT_TRUE(std::filesystem::exists(tmp / "UP.json"));
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "ok.json").string() + " " + dir.string() +
                         " " + (tmp / "o.nrrd").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_NE(err.find("must end in .nii or .nii.gz"), std::string::npos) << err;
}

// `--modality CT` on a DICOM MR once applied a lung window to it (73 % of voxels clipped).
TEST(PreprocessCommandsE2E, AModalityOptionContradictingTheFileIsRefused) {
  MEDSIGHT_DATASET(mr, "sts/dicom/STS_001/MR_T1/image");
  const auto tmp = test::temporaryDirectory("preprocess-modality");
  std::ofstream(tmp / "p.json") << R"({"steps": [{"step": "ct_window", "preset": "lung"}]})";
  std::string out, err;
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "p.json").string() + " " + mr.string() +
                         " " + (tmp / "o.nii.gz").string() + " --modality CT",
                     &out, &err),
            errorCodeInfo(ErrorCode::WrongModality).exitCode);
  EXPECT_NE(err.find("--modality CT contradicts the file, which says its modality is MR"),
            std::string::npos)
      << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "o.nii.gz"));
  std::ofstream(tmp / "z.json") << R"({"steps": [{"step": "zscore"}]})";
  EXPECT_EQ(medsight("preprocess --pipeline " + (tmp / "z.json").string() + " " + mr.string() +
                         " " + (tmp / "o.nii.gz").string() + " --modality mr",
                     &out, &err),
            0)
      << err;
}

TEST(PreprocessCommandsE2E, PlanWritesAPlanFile) {
  MEDSIGHT_DATASET(dir, "sts/nifti");
  const auto tmp = test::temporaryDirectory("plan-cli");
  std::string out, err;
  ASSERT_EQ(medsight("plan " + dir.string() +
                         " --image PET_image.nii.gz --mask PET_mask.nii.gz "
                         "--modality PT --out " +
                         (tmp / "plan.json").string(),
                     &out, &err),
            0)
      << err;
  const json plan = json::parse(std::ifstream(tmp / "plan.json"));
  EXPECT_EQ(plan["cases"], 22);
  EXPECT_GT(plan["target_spacing_mm"][0].get<double>(), 3.0);  // PET voxels are 4-5 mm
  EXPECT_NE(medsight("plan " + dir.string() + " --image nothing.nii.gz", &out, &err), 0);
  EXPECT_NE(err.find("no case folder"), std::string::npos) << err;
  // A case folder missing its mask is named in a warning, not skipped silently.
  std::filesystem::create_directories(tmp / "data" / "A");
  std::filesystem::create_directories(tmp / "data" / "C");
  for (const std::string f : {"PET_image.nii.gz", "PET_mask.nii.gz"}) {
    std::filesystem::copy_file(dir / "STS_002" / f, tmp / "data" / "A" / f);
  }
  std::filesystem::copy_file(dir / "STS_002" / "PET_image.nii.gz",
                             tmp / "data" / "C" / "PET_image.nii.gz");
  ASSERT_EQ(medsight("--json plan " + (tmp / "data").string() +
                         " --image PET_image.nii.gz --mask PET_mask.nii.gz",
                     &out, &err),
            0)
      << err;
  const json partial = json::parse(out);
  EXPECT_EQ(partial["cases"], 1);
  ASSERT_EQ(partial["warnings"].size(), 1u);
  EXPECT_NE(partial["warnings"][0].get<std::string>().find("C (no PET_mask.nii.gz)"),
            std::string::npos)
      << partial.dump();
  EXPECT_NE(err.find("warning:"), std::string::npos) << err;
  // A file given as the data folder is named as such.
  EXPECT_EQ(medsight("plan " + (tmp / "plan.json").string(), &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_NE(err.find("is a file"), std::string::npos) << err;
}

// A float PET may hold NaN outside its field of view. The steps keep such voxels and statistics
// leave them out, so preprocess and plan go on, but say so (register and segment refuse them).
TEST(PreprocessCommandsE2E, NaNOutsideTheFieldOfViewIsKeptWithAWarning) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_002");
  const auto tmp = test::temporaryDirectory("preprocess-nan");
  Image pet = ImageFileReader::read(dir / "PET_image.nii.gz").castTo(PixelType::Float32);
  for (std::size_t i = 0; i < 10; ++i) pet.pixels<float>()[i] = std::nanf("");
  std::filesystem::create_directories(tmp / "data" / "A");
  NiftiWriter::write(pet, tmp / "data" / "A" / "PET_image.nii.gz");
  std::filesystem::copy_file(dir / "PET_mask.nii.gz", tmp / "data" / "A" / "PET_mask.nii.gz");
  std::ofstream(tmp / "z.json") << R"({"steps": [{"step": "zscore"}]})";
  std::string out, err;
  ASSERT_EQ(medsight("preprocess --pipeline " + (tmp / "z.json").string() + " " +
                         (tmp / "data" / "A" / "PET_image.nii.gz").string() + " " +
                         (tmp / "o.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  EXPECT_NE(err.find("warning: "), std::string::npos) << err;
  EXPECT_NE(err.find("10 of "), std::string::npos) << err;
  const json record = json::parse(std::ifstream(tmp / "o.json"));
  ASSERT_EQ(record["warnings"].size(), 1u) << record.dump();
  // The z-score was computed on the finite voxels: the rest of the image is finite.
  const Image o = ImageFileReader::read(tmp / "o.nii.gz");
  std::size_t nonFinite = 0;
  for (const float v : o.pixels<float>()) nonFinite += std::isfinite(v) ? 0 : 1;
  EXPECT_EQ(nonFinite, 10u);
  ASSERT_EQ(medsight("--json plan " + (tmp / "data").string() +
                         " --image PET_image.nii.gz --mask PET_mask.nii.gz --modality PT",
                     &out, &err),
            0)
      << err;
  const json plan = json::parse(out);
  ASSERT_EQ(plan["warnings"].size(), 1u) << plan.dump();
  EXPECT_NE(plan["warnings"][0].get<std::string>().find("A: PET_image.nii.gz has 10 voxels"),
            std::string::npos)
      << plan.dump();
}

// A PNG without a pHYs chunk does not give its pixel size: steps in millimetres say they work on
// the assumed 1 mm.
TEST(PreprocessCommandsE2E, AStepInMillimetresOnAPngOfUnknownPixelSizeIsWarnedAbout) {
  const auto tmp = test::temporaryDirectory("preprocess-png");
  Image png(PixelType::UInt8, {32, 24, 1, 1}, 2);
  auto v = png.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(i % 200);
  RasterImageIO::writePng(png, tmp / "x.png");
  std::ofstream(tmp / "pr.json") << R"({"steps": [{"step": "resample", "spacing": [0.5, 0.5]}]})";
  std::ofstream(tmp / "pm.json") << R"({"steps": [{"step": "median"}]})";
  std::string out, err;
  ASSERT_EQ(medsight("preprocess --pipeline " + (tmp / "pr.json").string() + " " +
                         (tmp / "x.png").string() + " " + (tmp / "r.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  EXPECT_NE(err.find("1 mm is assumed; the resample step"), std::string::npos) << err;
  EXPECT_EQ(json::parse(std::ifstream(tmp / "r.json"))["warnings"].size(), 1u);
  ASSERT_EQ(medsight("preprocess --pipeline " + (tmp / "pm.json").string() + " " +
                         (tmp / "x.png").string() + " " + (tmp / "m.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  EXPECT_EQ(err.find("assumed"), std::string::npos) << err;
}

}  // namespace
}  // namespace medsight

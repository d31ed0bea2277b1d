#include <gtest/gtest.h>

#include <sstream>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/PreprocessPipeline.h"
#include "segmentation/SegmentationCrossValidation.h"
#include "segmentation/SegmentationEnsembleBuilder.h"
#include "segmentation/TumourSegmenter.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

// A deliberately tiny recipe: checks the protocol and the package, not the accuracy (the
// shipped model's cross-validated accuracy is in its model card).
json tinyRecipe() {
  return json::parse(R"({
    "name": "tiny", "data": {"root": "sts/nifti", "image": "MR_T1_image.nii.gz",
                              "mask": "MR_T1_mask.nii.gz", "modality": "MR"},
    "preprocessing": {"steps": [{"step": "resample", "spacing": [4, 4, 3.27]}, {"step": "zscore"}]},
    "network": {"dimensions": 2, "base_channels": 4, "depth": 2},
    "inference": {"patch_size": [32, 32, 1], "context_slices": 1, "mirror": false,
                  "position_channels": true},
    "training": {"iterations": 60, "batch_size": 8, "learning_rate": 0.01, "warmup_iterations": 5},
    "cross_validation": {"folds": 2, "seed": 3}})");
}

using test::medsight;

// Every one of the 22 patients measured exactly once, by a fold that did not train on it.
void expectEachPatientOnceByAFoldThatHeldItOut(const SegmentationModelManifest& m) {
  const auto& rows = m.validation["per_patient"];
  ASSERT_EQ(rows.size(), 22u);
  std::set<std::string> seen;
  for (const auto& r : rows) {
    const std::string id = r["patient"];
    EXPECT_TRUE(seen.insert(id).second) << id;
    const auto& held = m.members[r["fold"].get<int>()].heldOut;
    EXPECT_NE(std::find(held.begin(), held.end(), id), held.end()) << id;
    EXPECT_GE(r["dice"].get<double>(), 0.0);
  }
}

TEST(SegmentationTrainingE2E, CrossValidatesByPatientAndShipsAVerifiedPackage) {
  MEDSIGHT_DATASET(root, "sts/nifti");
  const auto tmp = test::temporaryDirectory("seg-train");
  const auto config = SegmentationTrainingConfig::fromJson(tinyRecipe(), "tiny", tmp);
  const auto m = SegmentationCrossValidation(config, tmp / "pkg", 2, "test").run();
  ASSERT_EQ(m.members.size(), 2u);
  // 3 slices plus the 2 position channels, recorded so `segment` rebuilds the same input.
  EXPECT_EQ(m.network.inputChannels, 5);
  EXPECT_TRUE(m.inference.positionChannels);
  expectEachPatientOnceByAFoldThatHeldItOut(m);
  const json fold0 = json::parse(std::ifstream(tmp / "pkg" / "cv" / "fold0.json"));
  const auto& curve = fold0["training_log"]["curve"];
  ASSERT_GE(curve.size(), 2u);
  EXPECT_LT(curve.back()["loss"].get<double>(), curve.front()["loss"].get<double>());
  for (const auto& t : fold0["training_patients"]) {
    EXPECT_EQ(std::count(fold0["held_out"].begin(), fold0["held_out"].end(), t), 0);
  }
  EXPECT_TRUE(std::filesystem::exists(tmp / "pkg" / "MODEL_CARD.md"));

  // The package segments an image on its own grid, from the CLI.
  const auto mr = root / "STS_004" / "MR_T1_image.nii.gz";
  std::string out, err;
  ASSERT_EQ(medsight("segment --json --model " + (tmp / "pkg").string() + " " + mr.string() + " " +
                         (tmp / "mask.nii.gz").string() + " --reference " +
                         (root / "STS_004" / "MR_T1_mask.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  const Image mask = ImageFileReader::read(tmp / "mask.nii.gz");
  EXPECT_TRUE(mask.sameGrid(ImageFileReader::read(mr), 1e-3));
  const json segmented = json::parse(out);
  EXPECT_TRUE(segmented["reference"].contains("dice"));
  // STS_004 is a training patient: the Dice is flagged as in-sample, with the figure of the
  // fold that held it out.
  ASSERT_TRUE(segmented.contains("training_patient")) << out;
  const auto& tp = segmented["training_patient"];
  EXPECT_EQ(tp["patient"], "STS_004");
  const auto& heldBy = m.members[tp["held_out_by_fold"].get<int>()].heldOut;
  EXPECT_NE(std::find(heldBy.begin(), heldBy.end(), "STS_004"), heldBy.end());
  for (const auto& r : m.validation["per_patient"]) {
    if (r["patient"] == "STS_004") {
      EXPECT_EQ(tp["cross_validated_dice"], r["dice"]);
    }
  }
  ASSERT_EQ(segmented["warnings"].size(), 1u) << out;
  EXPECT_NE(segmented["warnings"][0].get<std::string>().find("in-sample"), std::string::npos);
  // The same voxels under a name that is no patient of the package: no such flag.
  std::filesystem::copy_file(mr, tmp / "scan.nii.gz");
  ASSERT_EQ(medsight("segment --json --model " + (tmp / "pkg").string() + " " +
                         (tmp / "scan.nii.gz").string() + " " + (tmp / "mask2.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  EXPECT_FALSE(json::parse(out).contains("training_patient")) << out;

  // A region of interest: the image padded along +x with its own mirror image (so the crop is
  // no longer centred on the tumour), segmented within the original extent, gives exactly the
  // original crop's result, and nothing outside it.
  {
    const TumourSegmenter segmenter(tmp / "pkg", 1);
    const Image original = ImageFileReader::read(mr).castTo(PixelType::Float32);
    const auto whole = segmenter.segment(original);
    const auto [sx, sy, sz, st] = original.size();
    Image wide(PixelType::Float32, {sx + 40, sy, sz, 1}, 3, 1, original.geometry());
    wide.setModality(original.modality());
    for (std::size_t z = 0; z < sz; ++z)
      for (std::size_t y = 0; y < sy; ++y)
        for (std::size_t x = 0; x < sx + 40; ++x)
          wide.setValueAt(original.valueAt(x < sx ? x : 2 * sx - 1 - x, y, z), x, y, z);
    VoxelBox roi;
    roi.size = {sx, sy, sz};
    const auto within = segmenter.segmentWithin(wide, roi, 0.0);
    ASSERT_TRUE(within.mask.sameGrid(wide));
    std::size_t differ = 0, outside = 0;
    for (std::size_t z = 0; z < sz; ++z)
      for (std::size_t y = 0; y < sy; ++y)
        for (std::size_t x = 0; x < sx + 40; ++x) {
          const double v = within.mask.valueAt(x, y, z);
          if (x >= sx) {
            outside += v != 0;
          } else {
            differ += v != whole.mask.valueAt(x, y, z);
          }
        }
    EXPECT_EQ(differ, 0u);
    EXPECT_EQ(outside, 0u);
    EXPECT_GT(within.volumeMl, 0.0);
    // Bad boxes are refused, naming the problem.
    roi.size[0] = sx + 41;
    EXPECT_THROW(segmenter.segmentWithin(wide, roi, 0.0), Error);
  }
  // From the CLI, an ROI mask (here the reference outline) restricts the result to its box
  // grown by the margin; malformed or mismatched ROIs are refused.
  {
    ASSERT_EQ(medsight("segment --json --model " + (tmp / "pkg").string() + " " + mr.string() +
                           " " + (tmp / "roi.nii.gz").string() + " --roi-margin 5 --roi-mask " +
                           (root / "STS_004" / "MR_T1_mask.nii.gz").string(),
                       &out, &err),
              0)
        << err;
    const json j = json::parse(out);
    ASSERT_TRUE(j.contains("roi"));
    EXPECT_EQ(j["roi"]["margin_mm"].get<double>(), 5.0);
    const Image roiMask = ImageFileReader::read(tmp / "roi.nii.gz");
    const auto start = j["roi"]["start"].get<std::array<std::size_t, 3>>();
    const auto size = j["roi"]["size"].get<std::array<std::size_t, 3>>();
    std::size_t far = 0;
    const auto [sx, sy, sz, st] = roiMask.size();
    // 5 mm is at most 6 voxels in-plane (0.98 mm) and 2 slices (3.27 mm).
    for (std::size_t z = 0; z < sz; ++z)
      for (std::size_t y = 0; y < sy; ++y)
        for (std::size_t x = 0; x < sx; ++x) {
          const bool inBox = x + 6 >= start[0] && x < start[0] + size[0] + 6 && y + 6 >= start[1] &&
                             y < start[1] + size[1] + 6 && z + 2 >= start[2] &&
                             z < start[2] + size[2] + 2;
          if (!inBox) far += roiMask.valueAt(x, y, z) != 0;
        }
    EXPECT_EQ(far, 0u);
    const int invalid = errorCodeInfo(ErrorCode::InvalidArgument).exitCode;
    for (const std::string& bad : std::vector<std::string>{
             "--roi 1,2,3", "--roi 0,0,0,10,10,x", "--roi 0,0,0,10,10,999",
             "--roi 0,0,0,5,5,5 --roi-mask " + mr.string(), "--roi 0,0,0,5,5,5 --roi-margin -3",
             "--roi-margin 10", "--roi \"\"", "--roi-mask " + mr.string(),
             "--roi 40,40,10,40,40,10 --roi-margin 0"}) {
      EXPECT_EQ(medsight("segment --model " + (tmp / "pkg").string() + " " + mr.string() + " " +
                             (tmp / "bad.nii.gz").string() + " " + bad,
                         &out, &err),
                invalid)
          << bad << ": " << err;
      EXPECT_FALSE(std::filesystem::exists(tmp / "bad.nii.gz")) << bad;
    }
    EXPECT_EQ(medsight("segment --model " + (tmp / "pkg").string() + " " + mr.string() + " " +
                           (tmp / "bad.nii.gz").string() + " --roi-mask " +
                           (root / "STS_004" / "CT_mask.nii.gz").string(),
                       &out, &err),
              errorCodeInfo(ErrorCode::GeometryMismatch).exitCode)
        << err;
    EXPECT_NE(err.find("ROI mask"), std::string::npos) << err;
    // A small box without margin is a poor prompt, not a modality mix-up: the intensity range
    // is judged on the whole image, and the user is warned instead.
    ASSERT_EQ(
        medsight("segment --json --model " + (tmp / "pkg").string() + " " + mr.string() + " " +
                     (tmp / "one.nii.gz").string() + " --roi 30,30,8,50,50,12" + " --roi-margin 0",
                 &out, &err),
        0)
        << err;
    EXPECT_FALSE(json::parse(out)["warnings"].empty()) << out;
  }

  // A reference on another grid, or an output that cannot be written, is refused before the
  // inference runs, and no mask is left behind (it used to be written before the check).
  EXPECT_EQ(medsight("segment --model " + (tmp / "pkg").string() + " " + mr.string() + " " +
                         (tmp / "ref.nii.gz").string() + " --reference " +
                         (root / "STS_004" / "CT_mask.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::GeometryMismatch).exitCode)
      << err;
  EXPECT_NE(err.find("reference mask"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "ref.nii.gz"));
  EXPECT_EQ(medsight("segment --model " + (tmp / "pkg").string() + " " + mr.string() + " " +
                         (tmp / "ref.nii.gz").string() + " --probability " +
                         (tmp / "no-folder" / "p.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::FileNotFound).exitCode)
      << err;
  EXPECT_NE(err.find("--probability"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "ref.nii.gz"));

  // Wrong modality is refused.
  EXPECT_EQ(medsight("segment --model " + (tmp / "pkg").string() + " --modality CT " +
                         (root / "STS_004" / "CT_image.nii.gz").string() + " " +
                         (tmp / "ct.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::WrongModality).exitCode)
      << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "ct.nii.gz"));
  // A NIfTI CT or PET says nothing about its modality: the intensity range learned from the
  // training MR refuses them all the same, naming the numbers; the user can override.
  EXPECT_FALSE(m.intensity.empty());
  for (const char* other : {"CT_image.nii.gz", "PET_image.nii.gz"}) {
    EXPECT_EQ(
        medsight("segment --model " + (tmp / "pkg").string() + " " +
                     (root / "STS_004" / other).string() + " " + (tmp / "other.nii.gz").string(),
                 &out, &err),
        errorCodeInfo(ErrorCode::WrongModality).exitCode)
        << other << ": " << err;
    EXPECT_NE(err.find("1st percentile"), std::string::npos) << err;
    EXPECT_FALSE(std::filesystem::exists(tmp / "other.nii.gz"));
  }
  EXPECT_EQ(medsight("segment --no-intensity-check --model " + (tmp / "pkg").string() + " " +
                         (root / "STS_004" / "PET_image.nii.gz").string() + " " +
                         (tmp / "other.nii.gz").string(),
                     &out, &err),
            0)
      << err;

  // A few voxels are refused by size, not with a message about constant intensity (the
  // image collapsed to one voxel on the working grid).
  {
    ImageGeometry g;
    Image tiny(PixelType::Float32, {3, 3, 3, 1}, 3, 1, g);
    for (std::size_t i = 0; i < 27; ++i) tiny.pixels<float>()[i] = 400.0f + 37.0f * float(i % 11);
    NiftiWriter::write(tiny, tmp / "tiny.nii.gz");
    EXPECT_EQ(medsight("segment --model " + (tmp / "pkg").string() + " " +
                           (tmp / "tiny.nii.gz").string() + " " + (tmp / "t.nii.gz").string(),
                       &out, &err),
              errorCodeInfo(ErrorCode::InvalidArgument).exitCode)
        << err;
    EXPECT_NE(err.find("the image is only 3 x 3 voxels (3 x 3 mm) in-plane"), std::string::npos)
        << err;
  }

  // A tampered weights file is refused before use.
  test::flipByte(tmp / "pkg" / "fold1.pt", 200);
  try {
    TumourSegmenter(tmp / "pkg", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelTampered);
  }
  EXPECT_EQ(medsight("segment --model " + tmp.string() + " " + mr.string() + " " +
                         (tmp / "x.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::ModelInvalid).exitCode);
}

// Two tiny recipes on the same folds, a 2.5D and a 3D one, joined into one package: the joined
// package averages their probabilities, is cross-validated by patient through the fold networks
// that never saw each patient, and refuses packages that do not fit together.
// A recipe that reads PET beside MR: the package records the channel, `segment` asks for it
// by name, and a PET from another patient (another frame of reference) is refused.
TEST(SegmentationTrainingE2E, TrainsOnMrWithPetAndRefusesAMissingOrForeignPet) {
  MEDSIGHT_DATASET(root, "sts/nifti");
  const auto tmp = test::temporaryDirectory("seg-train-pet");
  auto recipe = tinyRecipe();
  recipe["name"] = "tiny-pet";
  recipe["data"]["auxiliary"] =
      json::array({{{"name", "PET"}, {"file", "PET_image.nii.gz"}, {"modality", "PT"}}});
  const auto config = SegmentationTrainingConfig::fromJson(recipe, "tiny-pet", tmp);
  const auto m = SegmentationCrossValidation(config, tmp / "pkg", 2, "test").run();
  // (MR + PET) x 3 slices + 2 position channels.
  EXPECT_EQ(m.network.inputChannels, 8);
  ASSERT_EQ(m.auxiliary.size(), 1u);
  expectEachPatientOnceByAFoldThatHeldItOut(m);
  const json manifest = json::parse(std::ifstream(tmp / "pkg" / "manifest.json"));
  EXPECT_EQ(manifest["accepts"]["auxiliary"][0]["name"], "PET");
  EXPECT_EQ(manifest["inference"]["image_channels"], 2);
  std::stringstream card;
  card << std::ifstream(tmp / "pkg" / "MODEL_CARD.md").rdbuf();
  EXPECT_NE(card.str().find("--aux PET=FILE"), std::string::npos);

  const auto mr = root / "STS_004" / "MR_T1_image.nii.gz";
  const auto pet = root / "STS_004" / "PET_image.nii.gz";
  const std::string segment =
      "segment --json --model " + (tmp / "pkg").string() + " " + mr.string() + " ";
  std::string out, err;
  ASSERT_EQ(
      medsight(segment + (tmp / "mask.nii.gz").string() + " --aux PET=" + pet.string(), &out, &err),
      0)
      << err;
  EXPECT_TRUE(ImageFileReader::read(tmp / "mask.nii.gz").sameGrid(ImageFileReader::read(mr), 1e-3));
  EXPECT_EQ(json::parse(out)["auxiliary"]["PET"], pet.string()) << out;  // traceable
  // The channel's intensity range is learned: a CT (Hounsfield units) given as PET is refused.
  EXPECT_FALSE(m.auxiliary[0].intensity.empty());
  EXPECT_EQ(medsight(segment + (tmp / "no.nii.gz").string() +
                         " --aux pet=" + (root / "STS_004" / "CT_image.nii.gz").string(),
                     &out, &err),
            22);
  EXPECT_NE(err.find("PET"), std::string::npos) << err;
  // Without the PET: a usage error naming the missing input; nothing written.
  EXPECT_EQ(medsight(segment + (tmp / "no.nii.gz").string(), &out, &err), 2);
  EXPECT_NE(err.find("--aux PET=FILE"), std::string::npos) << err;
  // A near miss (the DICOM modality code PT for PET) is named as what was given instead.
  EXPECT_EQ(
      medsight(segment + (tmp / "no.nii.gz").string() + " --aux PT=" + pet.string(), &out, &err),
      2);
  EXPECT_NE(err.find("no auxiliary image named PT"), std::string::npos) << err;
  // A channel the model does not take.
  EXPECT_EQ(medsight(segment + (tmp / "no.nii.gz").string() + " --aux PET=" + pet.string() +
                         " --aux CT=" + (root / "STS_004" / "CT_image.nii.gz").string(),
                     &out, &err),
            2);
  EXPECT_NE(err.find("CT"), std::string::npos) << err;
  // Another patient's PET lies elsewhere in patient space: refused as not co-registered.
  EXPECT_EQ(medsight(segment + (tmp / "no.nii.gz").string() +
                         " --aux PET=" + (root / "STS_008" / "PET_image.nii.gz").string(),
                     &out, &err),
            20);
  EXPECT_NE(err.find("medsight register"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "no.nii.gz"));
}

TEST(SegmentationTrainingE2E, EnsemblesA2DAndA3DRecipeTrainedOnTheSameFolds) {
  MEDSIGHT_DATASET(root, "sts/nifti");
  const auto tmp = test::temporaryDirectory("seg-ensemble");
  auto twoD = tinyRecipe();
  twoD["training"]["iterations"] = 30;
  auto threeD = twoD;
  threeD["name"] = "tiny-3d";
  threeD["network"]["dimensions"] = 3;
  threeD["inference"] = {{"patch_size", {16, 16, 8}},
                         {"mirror", false},
                         {"position_channels", true},
                         {"batch_size", 4}};
  threeD["training"]["batch_size"] = 2;
  SegmentationCrossValidation(SegmentationTrainingConfig::fromJson(twoD, "2d", tmp), tmp / "a", 2,
                              "train a")
      .run();
  SegmentationCrossValidation(SegmentationTrainingConfig::fromJson(threeD, "3d", tmp), tmp / "b", 2,
                              "train b")
      .run();
  const auto m = SegmentationEnsembleBuilder({tmp / "a", tmp / "b"}, tmp / "ab", 2, "join")
                     .build("tiny-ab", "");
  ASSERT_EQ(m.ensembledWith.size(), 1u);
  EXPECT_EQ(m.ensembledWith[0].network.dimensions, 3);
  EXPECT_EQ(m.allMembers().size(), 4u);
  EXPECT_EQ(m.training["ensemble_of"].size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(tmp / "ab" / "cv" / "tiny-3d-1" / "fold0.json"));
  EXPECT_NE(m.training["command"].get<std::string>().find("train b"), std::string::npos);
  expectEachPatientOnceByAFoldThatHeldItOut(m);
  {
    std::ifstream card(tmp / "ab" / "MODEL_CARD.md");
    const std::string text((std::istreambuf_iterator<char>(card)), {});
    EXPECT_NE(text.find("Ensembled with `tiny-3d`"), std::string::npos);
    EXPECT_NE(text.find("Configuration agreement"), std::string::npos);
  }
  // Each patient's row says how far the 2.5D and 3D parts agreed.
  for (const auto& r : m.validation["per_patient"]) {
    ASSERT_TRUE(r.contains("configuration_agreement")) << r.dump();
    EXPECT_GE(r["configuration_agreement"].get<double>(), 0.0);
    EXPECT_LE(r["configuration_agreement"].get<double>(), 1.0);
  }

  // The joined package's probability is the mean of its parts' (read back from disk).
  const Image mr = ImageFileReader::read(root / "STS_004" / "MR_T1_image.nii.gz");
  const auto pa = TumourSegmenter(tmp / "a", 1).segment(mr).probability;
  const auto pb = TumourSegmenter(tmp / "b", 1).segment(mr).probability;
  const auto sab = TumourSegmenter(tmp / "ab", 1).segment(mr);
  const auto& pab = sab.probability;
  ASSERT_TRUE(sab.configurationAgreement.has_value());  // two configurations
  EXPECT_FALSE(TumourSegmenter(tmp / "a", 1).segment(mr).configurationAgreement.has_value());
  EXPECT_EQ(TumourSegmenter(tmp / "ab", 1)
                .segmentWithin(mr, VoxelBox{{10, 10, 2}, {20, 20, 4}}, 20.0)
                .configurationAgreement.has_value(),
            true);
  {
    // From the CLI: the figure in --json, and the review warning exactly when it is below 0.7.
    std::string out, err;
    ASSERT_EQ(medsight("segment --json --model " + (tmp / "ab").string() + " " +
                           (root / "STS_004" / "MR_T1_image.nii.gz").string() + " " +
                           (tmp / "ab-mask.nii.gz").string(),
                       &out, &err),
              0)
        << err;
    const json j = json::parse(out);
    ASSERT_TRUE(j.contains("configuration_agreement")) << out;
    const double agreement = j["configuration_agreement"].get<double>();
    // Another thread count may move a voxel or two across the threshold, no more.
    EXPECT_NEAR(agreement, *sab.configurationAgreement, 0.01);
    bool warned = false;
    for (const auto& w : j["warnings"]) {
      warned = warned || w.get<std::string>().find("configurations disagree") != std::string::npos;
    }
    EXPECT_EQ(warned, agreement < TumourSegmentation::kReviewAgreement) << out;
  }
  ASSERT_TRUE(pab.sameGrid(pa));
  double worst = 0.0, spread = 0.0;
  for (std::size_t i = 0; i < pab.voxelsPerFrame(); ++i) {
    const double a = pa.pixels<float>()[i], b = pb.pixels<float>()[i];
    worst = std::max(worst, std::abs(pab.pixels<float>()[i] - 0.5 * (a + b)));
    spread = std::max(spread, std::abs(a - b));
  }
  EXPECT_LT(worst, 1e-4);
  EXPECT_GT(spread, 0.05);  // the parts differ, so the check above means something

  // Packages that do not fit together are refused, naming the difference; nothing is written.
  auto refused = [&](const std::filesystem::path& other, const std::string& why) {
    try {
      SegmentationEnsembleBuilder({tmp / "a", other}, tmp / "bad", 1, "x").build("", "");
      ADD_FAILURE() << why;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << e.what();
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(tmp / "bad" / "manifest.json"));
  };
  std::filesystem::copy(tmp / "b", tmp / "c", std::filesystem::copy_options::recursive);
  json c = json::parse(std::ifstream(tmp / "c" / "manifest.json"));
  std::swap(c["members"][0]["held_out"], c["members"][1]["held_out"]);
  std::ofstream(tmp / "c" / "manifest.json") << c.dump();
  refused(tmp / "c", "holds out other patients");
  c = json::parse(std::ifstream(tmp / "b" / "manifest.json"));
  c["preprocessing"]["steps"][0]["spacing"] = {3, 3, 3.27};
  std::ofstream(tmp / "c" / "manifest.json") << c.dump();
  refused(tmp / "c", "preprocessing differs");
  refused(tmp / "ab", "same SHA-256");  // an ensemble counts as its parts, and it holds a's
  refused(tmp / "a", "same SHA-256");

  // Given alone, an ensemble package is rebuilt from its parts and measures the same.
  auto dicePerPatient = [](const SegmentationModelManifest& e) {
    std::map<std::string, double> d;
    for (const auto& r : e.validation["per_patient"]) d[r["patient"]] = r["dice"];
    return d;
  };
  const auto again =
      SegmentationEnsembleBuilder({tmp / "ab"}, tmp / "ab2", 2, "again").build("", "");
  ASSERT_EQ(again.ensembledWith.size(), 1u);
  EXPECT_EQ(again.ensembledWith[0].name, "tiny-3d");
  EXPECT_EQ(again.training["ensemble_of"], m.training["ensemble_of"]);
  EXPECT_TRUE(std::filesystem::exists(tmp / "ab2" / "cv" / "tiny-0" / "fold0.json"));
  EXPECT_TRUE(std::filesystem::exists(tmp / "ab2" / "cv" / "tiny-3d-1" / "fold0.json"));
  EXPECT_EQ(again.description.find("Primary: Ensemble"), std::string::npos) << again.description;
  {
    const auto before = dicePerPatient(m), after = dicePerPatient(again);
    ASSERT_EQ(after.size(), before.size());
    for (const auto& [id, d] : before) EXPECT_NEAR(after.at(id), d, 1e-6) << id;
  }
  // A part is swapped by leaving it out and giving its replacement: here the 3D part of `ab`
  // for the same network from `b`, so the result must measure as `ab` did.
  const auto swapped =
      SegmentationEnsembleBuilder({tmp / "ab", tmp / "b"}, tmp / "ab3", 2, "swap", {"tiny-3d"})
          .build("", "");
  ASSERT_EQ(swapped.ensembledWith.size(), 1u);
  const auto b = SegmentationModelManifest::read(tmp / "b");
  EXPECT_EQ(swapped.ensembledWith[0].members[1].sha256, b.members[1].sha256);
  EXPECT_NO_THROW(TumourSegmenter(tmp / "ab3", 1));
  {
    const auto before = dicePerPatient(m), after = dicePerPatient(swapped);
    for (const auto& [id, d] : before) EXPECT_NEAR(after.at(id), d, 1e-6) << id;
  }
  auto leaveOutRefused = [&](std::vector<std::string> drop, const std::string& why) {
    try {
      SegmentationEnsembleBuilder({tmp / "ab"}, tmp / "bad", 1, "x", std::move(drop)).build("", "");
      ADD_FAILURE() << why;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << e.what();
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(tmp / "bad" / "manifest.json"));
  };
  leaveOutRefused({"tiny-2d"},
                  "--leave-out tiny-2d: no part of an ensemble package given has that name (its "
                  "parts are tiny, tiny-3d)");
  leaveOutRefused({"tiny"}, "primary part");
  leaveOutRefused({"tiny-3d"}, "only 1 part");
  try {  // packages named on the command line are never left out
    SegmentationEnsembleBuilder({tmp / "a", tmp / "b"}, tmp / "bad", 1, "x", {"tiny-3d"})
        .build("", "");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no ensemble package was given"), std::string::npos)
        << e.what();
  }
  // An output folder that is not a package is not overwritten.
  std::filesystem::create_directories(tmp / "notes");
  std::ofstream(tmp / "notes" / "keep.txt") << "mine";
  try {
    SegmentationEnsembleBuilder({tmp / "a", tmp / "b"}, tmp / "notes", 1, "x").build("", "");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
  EXPECT_TRUE(std::filesystem::exists(tmp / "notes" / "keep.txt"));
  // A run that fails part-way (here: a patient's files gone) leaves an existing package as it
  // was, and no staging folder behind.
  std::filesystem::copy(tmp / "ab", tmp / "keep", std::filesystem::copy_options::recursive);
  for (const char* part : {"a", "b"}) {
    json j = json::parse(std::ifstream(tmp / part / "manifest.json"));
    j["training"]["data_root"] = (tmp / "nodata").string();
    std::ofstream(tmp / part / "manifest.json") << j.dump();
  }
  EXPECT_THROW(
      SegmentationEnsembleBuilder({tmp / "a", tmp / "b"}, tmp / "keep", 1, "x").build("", ""),
      Error);
  for (const auto& e : std::filesystem::directory_iterator(tmp)) {
    EXPECT_NE(e.path().filename().string().rfind("keep.", 0), 0u) << e.path();  // no staging
  }
  EXPECT_NO_THROW(TumourSegmenter(tmp / "keep", 1));
  try {
    SegmentationEnsembleBuilder({tmp / "a", tmp / "b"}, tmp / "b", 1, "x").build("", "");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
  std::string out, err;
  EXPECT_NE(
      medsight("segment-ensemble --out " + (tmp / "one").string() + " " + (tmp / "a").string(),
               &out, &err),
      0);

  // A tampered weights file of the second configuration is refused before use.
  test::flipByte(tmp / "ab" / m.ensembledWith[0].members[1].file, 200);
  try {
    TumourSegmenter(tmp / "ab", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelTampered);
  }
}

TEST(SegmentationTrainingConfig, RejectsInconsistentRecipes) {
  auto bad = tinyRecipe();
  bad["inference"]["patch_size"] = {31, 31, 1};  // depth 2 pools once: needs even sizes
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad = tinyRecipe();
  bad["preprocessing"]["steps"][0]["step"] = "blur";
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad = tinyRecipe();
  bad["cross_validation"]["folds"] = 1;
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad = tinyRecipe();
  bad["training"]["augmentation"] = {{"spatial_probability", 1.5}};
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad["training"]["augmentation"] = {{"spatial_probability", 0.5}, {"scale_range", 1.0}};
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad = tinyRecipe();
  bad["data"]["auxiliary"] = json::array({{{"name", "PET"}}});  // no file to read it from
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad["data"]["auxiliary"] = {{"name", "PET"}, {"file", "PET_image.nii.gz"}};  // not a list
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  // With a PET channel the network takes both images' slices.
  auto pet = tinyRecipe();
  pet["data"]["auxiliary"] = json::array({{{"name", "PET"}, {"file", "PET_image.nii.gz"}}});
  const auto c = SegmentationTrainingConfig::fromJson(pet, "c", ".");
  EXPECT_EQ(c.inference.imageChannels, 2);
  EXPECT_EQ(c.network.inputChannels, 2 * 3 + 2);
  // Auxiliary dropout: a fraction below 1, and only with auxiliary channels to blank.
  pet["training"]["augmentation"] = {{"auxiliary_dropout", 0.3}};
  EXPECT_DOUBLE_EQ(
      SegmentationTrainingConfig::fromJson(pet, "c", ".").augmentation.auxiliaryDropout, 0.3);
  pet["training"]["augmentation"] = {{"auxiliary_dropout", 1.0}};
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(pet, "c", "."), Error);
  bad = tinyRecipe();
  bad["training"]["augmentation"] = {{"auxiliary_dropout", 0.3}};
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  // Slices across another axis: axes 0 to 2 only, and for 2D networks (a 3D one reads all).
  bad = tinyRecipe();
  bad["inference"]["slice_axis"] = 0;
  EXPECT_EQ(SegmentationTrainingConfig::fromJson(bad, "c", ".").inference.sliceAxis, 0);
  bad["inference"]["slice_axis"] = 3;
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  bad["inference"] = {{"patch_size", {16, 16, 8}}, {"slice_axis", 0}};
  bad["network"]["dimensions"] = 3;
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(bad, "c", "."), Error);
  // The training seed follows the folds' seed unless given; it never moves the folds.
  auto seeded = tinyRecipe();
  seeded["cross_validation"]["seed"] = 5;
  EXPECT_EQ(SegmentationTrainingConfig::fromJson(seeded, "c", ".").trainingSeed, 5u);
  seeded["training"]["seed"] = 77;
  const auto s = SegmentationTrainingConfig::fromJson(seeded, "c", ".");
  EXPECT_EQ(s.trainingSeed, 77u);
  EXPECT_EQ(s.seed, 5u);
  seeded["training"]["seed"] = "seven";
  EXPECT_THROW(SegmentationTrainingConfig::fromJson(seeded, "c", "."), Error);
}

// A 2.5D recipe reading slices across image axis 0 trains, ships as format 3 with the axis
// recorded, and segments through the CLI onto the input's grid.
TEST(SegmentationTrainingE2E, TrainsA25DNetworkOnSlicesAcrossAnotherAxis) {
  MEDSIGHT_DATASET(root, "sts/nifti");
  const auto tmp = test::temporaryDirectory("seg-slice-axis");
  auto recipe = tinyRecipe();
  recipe["name"] = "tiny-axis0";
  recipe["training"]["iterations"] = 30;
  recipe["inference"]["slice_axis"] = 0;
  recipe["training"]["seed"] = 77;  // networks other than the default seed's, same folds
  const auto m = SegmentationCrossValidation(SegmentationTrainingConfig::fromJson(recipe, "r", tmp),
                                             tmp / "x", 2, "train x")
                     .run();
  expectEachPatientOnceByAFoldThatHeldItOut(m);
  const json manifest = json::parse(std::ifstream(tmp / "x" / "manifest.json"));
  EXPECT_EQ(manifest["format"], "medsight-segmentation/3");
  EXPECT_EQ(manifest["inference"]["slice_axis"], 0);
  {
    std::ifstream card(tmp / "x" / "MODEL_CARD.md");
    const std::string text((std::istreambuf_iterator<char>(card)), {});
    EXPECT_NE(text.find("slices read across image axis 0"), std::string::npos);
  }
  const auto mr = root / "STS_004" / "MR_T1_image.nii.gz";
  std::string out, err;
  ASSERT_EQ(medsight("segment --json --model " + (tmp / "x").string() + " " + mr.string() + " " +
                         (tmp / "mask.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  const Image mask = ImageFileReader::read(tmp / "mask.nii.gz");
  EXPECT_TRUE(mask.sameGrid(ImageFileReader::read(mr), 1e-3));

  // The trainer read the volumes with axis 0 as slices: each fold's log lists the extents it
  // read, which are the working volumes' (y, z, x).
  const json fold0 = json::parse(std::ifstream(tmp / "x" / "cv" / "fold0.json"));
  EXPECT_EQ(fold0["training_log"]["slice_axis"], 0);
  EXPECT_EQ(fold0["training_log"]["seed"], 77);
  const json fold1 = json::parse(std::ifstream(tmp / "x" / "cv" / "fold1.json"));
  EXPECT_EQ(fold1["training_log"]["seed"], 78);
  const auto pipeline = PreprocessPipeline::fromJson(m.preprocessing, "p");
  const auto& read = fold0["training_log"]["volumes_read"];
  ASSERT_EQ(read.size(), fold0["training_patients"].size());
  for (std::size_t i = 0; i < read.size(); i += 5) {
    const Image working = pipeline.run(ImageFileReader::read(
        root / fold0["training_patients"][i].get<std::string>() / "MR_T1_image.nii.gz"));
    EXPECT_EQ(read[i], json::array({working.size().y, working.size().z, working.size().x}))
        << fold0["training_patients"][i];
  }
}

}  // namespace
}  // namespace medsight

#include "segmentation/SegmentationPackageComparison.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Error.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kShipped = fs::path(MEDSIGHT_SOURCE_DIR) / "models";

json readJson(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

/// A package folder holding the shipped MR-only manifest with `rows` as its cross-validated
/// results (the comparison reads only the manifest).
fs::path packageWith(const fs::path& folder, const json& rows) {
  fs::create_directories(folder);
  json m = readJson(kShipped / "sts-mr-t1-unet" / "manifest.json");
  m["validation"]["per_patient"] = rows;
  std::ofstream(folder / "manifest.json") << m.dump(2);
  return folder;
}

json row(const std::string& patient, double dice, int fold, json hd95 = 10.0) {
  return {{"patient", patient},
          {"dice", dice},
          {"fold", fold},
          {"hd95_mm", hd95},
          {"volume_error_percent", -20.0 + dice * 10.0}};
}

TEST(SegmentationPackageComparison, PairsPatientsAndCountsWins) {
  const auto tmp = test::temporaryDirectory("seg-compare");
  const auto a = packageWith(tmp / "a", {row("P1", 0.50, 0), row("P2", 0.80, 1), row("P3", 0.70, 2),
                                         row("P4", 0.60, 0), row("P5", 0.90, 1)});
  const auto b = packageWith(tmp / "b", {row("P1", 0.60, 0), row("P2", 0.85, 1), row("P3", 0.70, 2),
                                         row("P4", 0.55, 1), row("P6", 0.10, 2)});
  const json r = SegmentationPackageComparison::compare(a, b);
  EXPECT_EQ(r["patients"], 4);
  EXPECT_NEAR(r["baseline"]["summary"]["mean"].get<double>(), (0.5 + 0.8 + 0.7 + 0.6) / 4, 1e-12);
  EXPECT_NEAR(r["candidate"]["summary"]["mean"].get<double>(), (0.6 + 0.85 + 0.7 + 0.55) / 4,
              1e-12);
  EXPECT_NEAR(r["difference"]["mean"].get<double>(), (0.1 + 0.05 + 0.0 - 0.05) / 4, 1e-12);
  EXPECT_LE(r["difference"]["ci95_lower"].get<double>(), r["difference"]["mean"].get<double>());
  EXPECT_GE(r["difference"]["ci95_upper"].get<double>(), r["difference"]["mean"].get<double>());
  EXPECT_EQ(r["candidate_better"], 2);
  EXPECT_EQ(r["baseline_better"], 1);
  EXPECT_EQ(r["ties"], 1);
  EXPECT_EQ(r["only_in_baseline"], json::array({"P5"}));
  EXPECT_EQ(r["only_in_candidate"], json::array({"P6"}));
  EXPECT_EQ(r["patients_on_other_folds"], 1);  // P4: fold 0 against fold 1
  EXPECT_EQ(r["wilcoxon"]["n_nonzero"], 3);    // the tie is dropped
  // Swapping the packages negates the difference and swaps the wins.
  const json s = SegmentationPackageComparison::compare(b, a);
  EXPECT_NEAR(s["difference"]["mean"].get<double>(), -r["difference"]["mean"].get<double>(), 1e-12);
  EXPECT_EQ(s["candidate_better"], 1);
  EXPECT_DOUBLE_EQ(s["wilcoxon"]["p_two_sided"].get<double>(),
                   r["wilcoxon"]["p_two_sided"].get<double>());
}

TEST(SegmentationPackageComparison, LowerIsBetterForDistancesAndUndefinedOnesAreListed) {
  const auto tmp = test::temporaryDirectory("seg-compare-hd");
  const auto a = packageWith(
      tmp / "a", {row("P1", 0.5, 0, 20.0), row("P2", 0.8, 1, 8.0), row("P3", 0.0, 2, nullptr)});
  const auto b = packageWith(
      tmp / "b", {row("P1", 0.6, 0, 12.0), row("P2", 0.7, 1, 9.0), row("P3", 0.4, 2, 30.0)});
  const json r = SegmentationPackageComparison::compare(a, b, "hd95_mm");
  EXPECT_FALSE(r["higher_is_better"].get<bool>());
  EXPECT_EQ(r["patients"], 2);
  ASSERT_EQ(r["metric_undefined"].size(), 1u);  // P3: the baseline's outline was empty
  EXPECT_EQ(r["metric_undefined"][0]["patient"], "P3");
  EXPECT_TRUE(r["metric_undefined"][0]["baseline_undefined"].get<bool>());
  EXPECT_FALSE(r["metric_undefined"][0]["candidate_undefined"].get<bool>());
  EXPECT_NEAR(r["difference"]["mean"].get<double>(), (-8.0 + 1.0) / 2, 1e-12);
  EXPECT_EQ(r["candidate_better"], 1);  // P1: 12 mm against 20 mm
  EXPECT_EQ(r["baseline_better"], 1);   // P2: 8 mm against 9 mm
  EXPECT_EQ(r["per_patient"][0]["patient"], "P1");
  EXPECT_DOUBLE_EQ(r["per_patient"][0]["difference"].get<double>(), -8.0);
  const json v = SegmentationPackageComparison::compare(a, b, "absolute_volume_error_percent");
  // |-20 + 10 d|: P1 15 -> 14, P2 12 -> 13, P3 20 -> 16.
  EXPECT_NEAR(v["difference"]["mean"].get<double>(), (-1.0 + 1.0 - 4.0) / 3, 1e-9);
  EXPECT_EQ(v["candidate_better"], 2);  // P1 and P3 have the smaller error in the candidate
  EXPECT_EQ(v["baseline_better"], 1);
  // A package that does not record the metric at all is reported as such, not as empty.
  json rows = json::array({row("P1", 0.5, 0), row("P2", 0.8, 1), row("P3", 0.7, 2)});
  rows[0].erase("hd95_mm");
  const auto old = packageWith(tmp / "old", rows);
  const json o = SegmentationPackageComparison::compare(old, b, "hd95_mm");
  EXPECT_EQ(o["metric_not_recorded"], json::array({"P1"}));
  EXPECT_EQ(o["patients"], 2);
}

TEST(SegmentationPackageComparison, TellsFoldsApartByTheirPatientsNotTheirNumbers) {
  const auto tmp = test::temporaryDirectory("seg-compare-folds");
  json rows = json::array();
  for (const char* p : {"STS_005", "STS_008", "STS_001", "STS_004"}) rows.push_back(row(p, 0.7, 0));
  const auto a = packageWith(tmp / "a", rows);  // the shipped folds: 005 + 008, 001 + 004
  // The same split with the fold numbers swapped is the same training: nothing to flag.
  auto renumbered = readJson(a / "manifest.json");
  std::swap(renumbered["members"][0]["held_out"], renumbered["members"][1]["held_out"]);
  fs::create_directories(tmp / "renumbered");
  std::ofstream(tmp / "renumbered" / "manifest.json") << renumbered.dump(2);
  EXPECT_EQ(
      SegmentationPackageComparison::compare(a, tmp / "renumbered")["patients_on_other_folds"], 0);
  // STS_001 moved into STS_005's fold: the folds of 005, 008, 001 and 004 all changed.
  auto moved = readJson(a / "manifest.json");
  auto& first = moved["members"][0]["held_out"];
  auto& second = moved["members"][1]["held_out"];
  first.push_back("STS_001");
  second.erase(std::find(second.begin(), second.end(), "STS_001"));
  fs::create_directories(tmp / "moved");
  std::ofstream(tmp / "moved" / "manifest.json") << moved.dump(2);
  EXPECT_EQ(SegmentationPackageComparison::compare(a, tmp / "moved")["patients_on_other_folds"], 4);
}

TEST(SegmentationPackageComparison, RefusesWhatCannotBeCompared) {
  const auto tmp = test::temporaryDirectory("seg-compare-bad");
  const auto a = packageWith(tmp / "a", {row("P1", 0.5, 0), row("P2", 0.8, 1)});
  const auto other = packageWith(tmp / "other", {row("Q1", 0.5, 0), row("P2", 0.7, 1)});
  const auto empty = packageWith(tmp / "empty", json::array());
  const auto twice = packageWith(tmp / "twice", {row("P1", 0.5, 0), row("P1", 0.6, 0)});
  const auto notList = packageWith(tmp / "notlist", json::object({{"P1", 0.5}}));
  auto noValidation = readJson(a / "manifest.json");
  noValidation["validation"] = nullptr;
  fs::create_directories(tmp / "novalidation");
  std::ofstream(tmp / "novalidation" / "manifest.json") << noValidation.dump(2);
  fs::create_directories(tmp / "none");
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, other); }),
            ErrorCode::EmptyInput);  // one patient in common
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, empty); }),
            ErrorCode::EmptyInput);
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, twice); }),
            ErrorCode::ModelInvalid);
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, notList); }),
            ErrorCode::ModelInvalid);
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, tmp / "novalidation"); }),
            ErrorCode::ModelInvalid);
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, tmp / "none"); }),
            ErrorCode::ModelInvalid);
  EXPECT_EQ(test::codeOf([&] { SegmentationPackageComparison::compare(a, a, "auc"); }),
            ErrorCode::InvalidArgument);
  // A classification package is not a segmentation package.
  EXPECT_EQ(
      test::codeOf([&] { SegmentationPackageComparison::compare(a, kShipped / "pneumonia-cxr"); }),
      ErrorCode::ModelInvalid);
}

TEST(SegmentationPackageComparison, ShippedPackagesAgreeWithTheirCards) {
  // The MR + PET package against the MR-only one, on the 22 cross-validated patients both
  // measured: each side's mean is the one its manifest reports.
  const auto mr = kShipped / "sts-mr-t1-unet", pet = kShipped / "sts-mr-t1-pet-unet";
  const json r = SegmentationPackageComparison::compare(mr, pet);
  EXPECT_EQ(r["patients"], 22);
  EXPECT_EQ(r["patients_on_other_folds"], 0);
  const double mrMean =
      readJson(mr / "manifest.json")["validation"]["summary"]["dice"]["mean"].get<double>();
  const double petMean =
      readJson(pet / "manifest.json")["validation"]["summary"]["dice"]["mean"].get<double>();
  EXPECT_NEAR(r["baseline"]["summary"]["mean"].get<double>(), mrMean, 1e-12);
  EXPECT_NEAR(r["candidate"]["summary"]["mean"].get<double>(), petMean, 1e-12);
  EXPECT_NEAR(r["difference"]["mean"].get<double>(), petMean - mrMean, 1e-12);
  EXPECT_EQ(
      r["candidate_better"].get<int>() + r["baseline_better"].get<int>() + r["ties"].get<int>(),
      22);
}

TEST(SegmentationPackageComparisonE2E, CommandPrintsAndWritesTheComparison) {
  const auto tmp = test::temporaryDirectory("seg-compare-cli");
  const auto mr = kShipped / "sts-mr-t1-unet", pet = kShipped / "sts-mr-t1-pet-unet";
  std::string out, err;
  ASSERT_EQ(test::medsight("segment-compare " + mr.string() + " " + pet.string() + " --out " +
                               (tmp / "c.json").string(),
                           &out, &err),
            0)
      << err;
  EXPECT_NE(out.find("paired difference (candidate - baseline) +"), std::string::npos) << out;
  EXPECT_NE(out.find("Wilcoxon signed-rank p = "), std::string::npos) << out;
  EXPECT_NE(out.find("STS_019"), std::string::npos) << out;
  const json written = readJson(tmp / "c.json");
  EXPECT_EQ(written["patients"], 22);
  ASSERT_EQ(
      test::medsight("--json segment-compare --metric hd95_mm " + mr.string() + " " + pet.string(),
                     &out, &err),
      0)
      << err;
  EXPECT_EQ(json::parse(out)["metric"], "hd95_mm");
  // Bad input: a folder that is not a package, an unknown metric, an --out that is not JSON.
  EXPECT_EQ(test::medsight("segment-compare " + mr.string() + " " + tmp.string(), &out, &err),
            30);  // ModelInvalid
  EXPECT_NE(err.find("manifest.json"), std::string::npos) << err;
  EXPECT_EQ(test::medsight("segment-compare --metric auc " + mr.string() + " " + pet.string(), &out,
                           &err),
            2);
  EXPECT_EQ(test::medsight("segment-compare " + mr.string() + " " + pet.string() + " --out " +
                               (tmp / "c.txt").string(),
                           &out, &err),
            2);
  EXPECT_FALSE(fs::exists(tmp / "c.txt"));
}

}  // namespace
}  // namespace medsight

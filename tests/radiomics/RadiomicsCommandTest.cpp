// `medsight radiomics` end to end: output formats and exit codes for bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/Error.h"
#include "io/NiftiReader.h"
#include "io/NiftiWriter.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::string run(const std::string& args, int* status, std::string* err = nullptr) {
  std::string out, errText;
  *status =
      test::runCommand(test::medsightExecutable().string() + " radiomics " + args, &out, &errText);
  if (err) *err = errText;
  return out;
}

int exitCodeOf(ErrorCode code) {
  return errorCodeInfo(code).exitCode;
}

TEST(RadiomicsCommandE2E, WritesCsvAndJsonForTheDigitalPhantom) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  const auto tmp = test::temporaryDirectory("radiomics-cli");
  const std::string args =
      (folder / "image.nii.gz").string() + " " + (folder / "mask.nii.gz").string();
  int status = 0;
  run(args + " --out " + (tmp / "f.csv").string(), &status);
  ASSERT_EQ(status, 0);
  std::ifstream csv(tmp / "f.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "family,feature,ibsi_code,aggregation,aggregation_code,value");
  const std::string json = run(args + " --json", &status);
  ASSERT_EQ(status, 0);
  const auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j["feature_count"], j["features"].size());
  EXPECT_EQ(j["features"][0]["ibsi_code"], "RNU0");
}

TEST(RadiomicsCommandE2E, BuildsAWideTableRowByRow) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  const auto tmp = test::temporaryDirectory("radiomics-table");
  const std::string args = (folder / "image.nii.gz").string() + " " +
                           (folder / "mask.nii.gz").string() +
                           " --families intensity_statistics --table " + (tmp / "t.csv").string();
  int status = 0;
  for (const char* id : {"a", "b", "a"}) {
    run(args + " --id " + id, &status);
    ASSERT_EQ(status, 0);
  }
  std::ifstream in(tmp / "t.csv");
  std::string line;
  int rows = 0;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("id,intensity_statistics.mean.3d,", 0), 0u) << line;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 2);  // "a" was replaced, not duplicated
  // --out naming the table (or the image) it reads is refused, and the table is kept.
  const auto before = std::filesystem::file_size(tmp / "t.csv");
  run(args + " --id c --out " + (tmp / "t.csv").string(), &status);
  EXPECT_EQ(status, errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_EQ(std::filesystem::file_size(tmp / "t.csv"), before);
}

TEST(RadiomicsCommandE2E, MaskOutsideTheImageFailsWithGeometryMismatch) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  const auto tmp = test::temporaryDirectory("radiomics-bad");
  Image mask = NiftiReader::read(folder / "mask.nii.gz");
  mask.geometry().origin = {1000, 1000, 1000};
  NiftiWriter::write(mask, tmp / "far.nii.gz");
  int status = 0;
  std::string err;
  run((folder / "image.nii.gz").string() + " " + (tmp / "far.nii.gz").string(), &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::GeometryMismatch)) << err;
  EXPECT_NE(err.find("does not overlap"), std::string::npos) << err;
}

TEST(RadiomicsCommandE2E, EmptyRoiAfterResegmentationFailsWithEmptyInput) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  const auto tmp = test::temporaryDirectory("radiomics-reseg");
  std::ofstream(tmp / "c.json") << R"({"resegmentation": {"range": [100, 200]}})";
  int status = 0;
  std::string err;
  run((folder / "image.nii.gz").string() + " " + (folder / "mask.nii.gz").string() + " --config " +
          (tmp / "c.json").string(),
      &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::EmptyInput)) << err;
  EXPECT_NE(err.find("re-segmentation"), std::string::npos) << err;
}

TEST(RadiomicsCommandE2E, BadConfigurationAndMissingFilesAreReported) {
  MEDSIGHT_DATASET(folder, "ibsi/digital_phantom");
  const auto tmp = test::temporaryDirectory("radiomics-config");
  std::ofstream(tmp / "c.json") << R"({"discretisation": {"method": "fbz"}})";
  int status = 0;
  std::string err;
  const std::string images =
      (folder / "image.nii.gz").string() + " " + (folder / "mask.nii.gz").string();
  run(images + " --config " + (tmp / "c.json").string(), &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::InvalidConfiguration)) << err;
  run((tmp / "missing.nii.gz").string() + " " + (folder / "mask.nii.gz").string(), &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::FileNotFound)) << err;
  run(images + " --ibsi-config Z", &status, &err);
  EXPECT_EQ(status, exitCodeOf(ErrorCode::InvalidArgument)) << err;
}

}  // namespace
}  // namespace medsight

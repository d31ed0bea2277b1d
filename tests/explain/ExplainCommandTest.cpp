// `medsight explain`: outputs, the DICOM Secondary Capture, and bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "SyntheticBlobModel.h"
#include "core/Error.h"
#include "io/DicomHeader.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::string medsight() {
  return test::medsightExecutable().string();
}

int run(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) {
  return test::runCommand(medsight() + " -q " + args, out, err);
}

int exitCodeOf(ErrorCode code) {
  return Error(code, "").exitCode();
}

}  // namespace

TEST(ExplainCommand, WritesHeatmapOverlayAndDescriptionForEachMethod) {
  const auto model = test::untrainedBlobPackage();
  const auto dir = test::temporaryDirectory("explain-cli");
  const auto npz = test::writeBlobDataset(dir / "blob.npz", 4, 4, 1).npz;
  std::string out, err;
  ASSERT_EQ(
      run("--json explain --model " + model.string() + " " + npz.string() +
              " --index 1 --index 2 --method all --target present --out " + (dir / "out").string(),
          &out, &err),
      0)
      << err;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["explanations"].size(), 6u);  // 2 images x 3 methods
  for (const auto& e : j["explanations"]) {
    EXPECT_EQ(e["target_label"], "present");
    const Image heat = ImageFileReader::read(e["files"]["heatmap"].get<std::string>());
    EXPECT_EQ(heat.size().x, 28u);
    EXPECT_EQ(heat.size().y, 28u);
    const auto [lo, hi] = heat.minMax();
    EXPECT_GE(lo, 0.0);
    EXPECT_LE(hi, 1.0 + 1e-6);
    const Image overlay = ImageFileReader::read(e["files"]["overlay"].get<std::string>());
    EXPECT_EQ(overlay.components(), 3);
    EXPECT_TRUE(std::filesystem::exists(e["files"]["description"].get<std::string>()));
    // npz input has no patient or study: no Secondary Capture, and the reason is given.
    EXPECT_TRUE(e["files"]["dicom"].is_null());
    EXPECT_FALSE(e["files"]["dicom_skipped"].get<std::string>().empty());
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "blob-1.gradcam.overlay.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "blob-2.ig.heatmap.nii.gz"));
}

// Two inputs of one file name from different folders get their own outputs, and an output
// that would be one of the inputs is refused before anything is written.
TEST(ExplainCommand, InputsOfOneNameKeepTheirOwnOutputsAndNoInputIsOverwritten) {
  const auto model = test::untrainedBlobPackage();
  const auto dir = test::temporaryDirectory("explain-names");
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  test::writeBlobDataset(dir / "a" / "blob.npz", 2, 2, 1);
  test::writeBlobDataset(dir / "b" / "blob.npz", 2, 2, 2);
  std::string out, err;
  ASSERT_EQ(
      run("--json explain --model " + model.string() + " " + (dir / "a" / "blob.npz").string() +
              " " + (dir / "b" / "blob.npz").string() + " --out " + (dir / "out").string(),
          &out, &err),
      0)
      << err;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["explanations"].size(), 2u);
  EXPECT_NE(j["explanations"][0]["files"]["overlay"], j["explanations"][1]["files"]["overlay"]);
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "blob-0.gradcam.overlay.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "blob-0-2.gradcam.overlay.png"));
  // An earlier heatmap given back as an input would be written over by the first input's.
  const auto earlier = dir / "out" / "blob-0.gradcam.heatmap.nii.gz";
  const auto size = std::filesystem::file_size(earlier);
  EXPECT_EQ(run("explain --model " + model.string() + " " + (dir / "a" / "blob.npz").string() +
                    " " + earlier.string() + " --out " + (dir / "out").string(),
                &out, &err),
            exitCodeOf(ErrorCode::InvalidArgument))
      << err;
  EXPECT_NE(err.find("this command reads"), std::string::npos) << err;
  EXPECT_EQ(std::filesystem::file_size(earlier), size);
}

TEST(ExplainCommand, RejectsBadRequestsBeforeWritingAnything) {
  const auto model = test::untrainedBlobPackage();
  const auto dir = test::temporaryDirectory("explain-bad");
  const auto npz = test::writeBlobDataset(dir / "blob.npz", 2, 2, 1).npz;
  const auto out = dir / "out";
  std::string err;
  // Unknown Grad-CAM layer: named in the message, usage exit code.
  EXPECT_EQ(run("explain --model " + model.string() + " " + npz.string() +
                    " --layer layer2 --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("layer2"), std::string::npos) << err;
  EXPECT_NE(err.find("layer4"), std::string::npos) << err;
  // Unknown method and unknown target label.
  EXPECT_EQ(run("explain --model " + model.string() + " " + npz.string() + " --method lime --out " +
                    out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_EQ(run("explain --model " + model.string() + " " + npz.string() +
                    " --target tumour --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("tumour"), std::string::npos) << err;
  // A 3D volume for a 2D model.
  Image volume(PixelType::Int16, {16, 16, 8, 1}, 3);
  NiftiWriter::write(volume, dir / "volume.nii.gz");
  EXPECT_EQ(run("explain --model " + model.string() + " " + (dir / "volume.nii.gz").string() +
                    " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::WrongModality));
  // A corrupt file.
  {
    std::ofstream f(dir / "broken.png", std::ios::binary);
    f << "\x89PNG\r\n\x1a\n" << std::string(40, '\0');
  }
  EXPECT_NE(run("explain --model " + model.string() + " " + (dir / "broken.png").string() +
                    " --out " + out.string(),
                nullptr, &err),
            0);
  EXPECT_NE(err.find("broken.png"), std::string::npos) << err;
  // Not a model package.
  EXPECT_EQ(run("explain --model " + dir.string() + " " + npz.string() + " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::ModelInvalid));
  EXPECT_FALSE(std::filesystem::exists(out)) << "nothing may be written for rejected requests";
}

TEST(ExplainCommand, ManifestWithAnUnknownGradCamLayerIsRejected) {
  const auto dir = test::temporaryDirectory("explain-layer");
  const auto model = dir / "model";
  std::filesystem::copy(test::untrainedBlobPackage(), model);
  auto manifest = nlohmann::json::parse(std::ifstream(model / "manifest.json"));
  manifest["explain"]["gradcam_layer"] = "layer9";
  std::ofstream(model / "manifest.json") << manifest.dump(2);
  const auto npz = test::writeBlobDataset(dir / "blob.npz", 2, 2, 1).npz;
  std::string err;
  EXPECT_EQ(run("explain --model " + model.string() + " " + npz.string() + " --out " +
                    (dir / "out").string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::ModelInvalid));
  EXPECT_NE(err.find("layer9"), std::string::npos) << err;
}

TEST(ExplainCommandData, DicomInputGetsASecondaryCaptureInTheSourceStudy) {
  MEDSIGHT_DATASET(source, "dicom-samples/test_files/image_dfl.dcm");
  const auto model = test::untrainedBlobPackage();  // accepts OT images
  const auto dir = test::temporaryDirectory("explain-dicom");
  std::string out, err;
  ASSERT_EQ(run("--json explain --model " + model.string() + " " + source.string() +
                    " --method occlusion --out " + dir.string(),
                &out, &err),
            0)
      << err;
  const auto e = nlohmann::json::parse(out)["explanations"][0];
  ASSERT_FALSE(e["files"]["dicom"].is_null()) << e.dump(2);
  const auto files = e["files"]["dicom_files"];
  ASSERT_EQ(files.size(), 1u);
  const DicomHeader original = readDicomHeader(source);
  const DicomHeader derived = readDicomHeader(files[0].get<std::string>());
  EXPECT_EQ(derived.sopClassUid, "1.2.840.10008.5.1.4.1.1.7");  // Secondary Capture
  EXPECT_EQ(derived.studyInstanceUid, original.studyInstanceUid);
  EXPECT_EQ(derived.patientId, original.patientId);
  EXPECT_NE(derived.seriesInstanceUid, original.seriesInstanceUid);
  EXPECT_EQ(derived.rows, original.rows);
  EXPECT_EQ(derived.columns, original.columns);
  EXPECT_EQ(derived.samplesPerPixel, 3);
  // The heatmap keeps the DICOM image's grid.
  const Image heat = ImageFileReader::read(e["files"]["heatmap"].get<std::string>());
  EXPECT_EQ(heat.size().x, static_cast<std::size_t>(original.columns));
  EXPECT_EQ(heat.size().y, static_cast<std::size_t>(original.rows));
}

}  // namespace medsight

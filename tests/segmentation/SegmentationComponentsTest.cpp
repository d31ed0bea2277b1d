#include <gtest/gtest.h>

#include <algorithm>
#include <numbers>
#include <utility>

#include <random>

#include "core/Error.h"
#include "segmentation/AuxiliaryChannel.h"
#include "segmentation/ContourRasterizer.h"
#include "segmentation/LargestComponentSelector.h"
#include "segmentation/LungFieldSegmenter.h"
#include "segmentation/MaskContourTracer.h"
#include "segmentation/SegmentationCrossValidation.h"
#include "segmentation/SegmentationModelManifest.h"
#include "segmentation/SliceAxisView.h"
#include "segmentation/SlidingWindowInferer.h"
#include "segmentation/TumourPatchSampler.h"
#include "segmentation/TumourSegmenter.h"
#include "support/TestData.h"

namespace medsight {
namespace {

Image emptyMask(std::size_t nx, std::size_t ny, std::size_t nz) {
  ImageGeometry g;
  g.spacing = {0.9, 1.1, 3.0};
  g.origin = {10, -20, 5};
  const double c = std::cos(0.3), s = std::sin(0.3);
  g.direction = {c, -s, 0, s, c, 0, 0, 0, 1};
  return Image(PixelType::UInt8, {nx, ny, nz, 1}, 3, 1, g);
}

TEST(LargestComponentSelector, KeepsTheBiggestBlob) {
  Image m = emptyMask(20, 20, 4);
  for (int x = 2; x < 6; ++x) m.setValueAt(1, x, 2, 1);     // 4 voxels
  for (int x = 10; x < 18; ++x) m.setValueAt(1, x, 10, 2);  // 8 voxels
  m.setValueAt(1, 18, 11, 3);                               // touches the 8 at a corner
  const Image k = LargestComponentSelector::keep(m, 1);
  EXPECT_EQ(k.valueAt(3, 2, 1), 0.0);
  EXPECT_EQ(k.valueAt(12, 10, 2), 1.0);
  EXPECT_EQ(k.valueAt(18, 11, 3), 1.0);  // full connectivity
  EXPECT_EQ(LargestComponentSelector::componentSizes(m), (std::vector<std::size_t>{9, 4}));
}

TEST(MaskContourTracer, OutlinesRasteriseBackExactly) {
  // Random blobs with holes, islands and voxels touching only at corners.
  Image m = emptyMask(40, 36, 5);
  std::mt19937 rng(11);
  for (std::size_t z = 0; z < 5; ++z)
    for (std::size_t y = 4; y < 32; ++y)
      for (std::size_t x = 4; x < 36; ++x) {
        const double dx = x - 20.0, dy = y - 18.0;
        const bool ring = dx * dx + dy * dy < 150 && dx * dx + dy * dy > 20;
        if (ring || rng() % 7 == 0) m.setValueAt(1, x, y, z);
      }
  m.setValueAt(1, 1, 1, 2);
  m.setValueAt(1, 2, 2, 2);  // diagonal pair
  const auto contours = MaskContourTracer::trace(m);
  RtRoi roi;
  roi.name = "blob";
  for (const auto& c : contours) roi.contours.push_back({"CLOSED_PLANAR", c.points, {}});
  const Image back = ContourRasterizer::rasterize(roi, m);
  const auto a = std::as_const(m).pixels<std::uint8_t>();
  const auto b = back.pixels<std::uint8_t>();
  std::size_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff += a[i] != b[i];
  EXPECT_EQ(diff, 0u);
}

// A float mask holding 0.4 inside (a mask written by another tool as 0/0.5, or a soft label)
// was cast to 0 and exported as "the mask is empty"; any non-zero voxel is inside.
TEST(MaskContourTracer, AnyNonZeroVoxelIsInsideWhateverItsType) {
  ImageGeometry g;
  Image m(PixelType::Float32, {12, 12, 1, 1}, 3, 1, g);
  for (std::size_t y = 3; y < 8; ++y)
    for (std::size_t x = 2; x < 9; ++x) m.setValueAt(0.4, x, y, 0);
  const auto contours = MaskContourTracer::trace(m);
  ASSERT_EQ(contours.size(), 1u);
  RtRoi roi;
  roi.name = "soft";
  roi.contours.push_back({"CLOSED_PLANAR", contours.front().points, {}});
  const Image back = ContourRasterizer::rasterize(roi, m);
  const auto& v = back.pixels<std::uint8_t>();
  EXPECT_EQ(std::count(v.begin(), v.end(), std::uint8_t{1}), 5 * 7);
}

TEST(ContourRasterizer, RefusesAnotherFrameOfReferenceAndOffGridContours) {
  Image grid = emptyMask(10, 10, 3);
  grid.metadata()["FrameOfReferenceUID"] = "1.2.3";
  RtRoi roi;
  roi.name = "x";
  roi.frameOfReferenceUid = "1.2.4";
  roi.contours.push_back({"CLOSED_PLANAR", {{0, 0, 5}, {5, 0, 5}, {5, 5, 5}}, {}});
  try {
    ContourRasterizer::rasterize(roi, grid);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::GeometryMismatch);
  }
  roi.frameOfReferenceUid = "1.2.3";
  roi.contours = {{"CLOSED_PLANAR", {{0, 0, 500}, {5, 0, 500}, {5, 5, 500}}, {}}};
  try {
    ContourRasterizer::rasterize(roi, grid);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
  }
}

// Slices at z = 5, 8 and 11 mm: a contour between two of them is "off slice", one past the last
// slice is "outside" even at a fractional position (another reconstruction's plane).
TEST(ContourRasterizer, ReportsContoursBetweenAndBeyondTheSlicesApart) {
  const Image grid = emptyMask(10, 10, 3);
  RtRoi roi;
  roi.name = "x";
  auto at = [](double z) {
    return RtContour{"CLOSED_PLANAR", {{11, -18, z}, {15, -18, z}, {15, -13, z}}, {}};
  };
  roi.contours = {at(8), at(9.5), at(15.2), at(12.8), at(2.0)};
  RasterizationReport report;
  const Image mask = ContourRasterizer::rasterize(roi, grid, &report);
  EXPECT_EQ(report.contoursUsed, 1u);
  EXPECT_EQ(report.contoursOffSlice, 1u);  // 9.5: half-way between slices 1 and 2
  EXPECT_EQ(report.contoursOutside, 3u);   // 15.2 and 12.8 beyond the last, 2.0 before the first
  const auto& v = mask.pixels<std::uint8_t>();
  EXPECT_GT(std::count(v.begin(), v.end(), std::uint8_t{1}), 0);
}

// NaN and 1e30 HU were accepted and wrote an empty mask; checked before the CT is read.
TEST(LungsCommandE2E, AThresholdOutsideAirIsRefused) {
  const auto tmp = test::temporaryDirectory("lungs-threshold");
  for (const char* t : {"nan", "1e30", "-2000", "100"}) {
    std::string out, err;
    EXPECT_EQ(test::medsight("lungs " + (tmp / "ct.nii.gz").string() + " " +
                                 (tmp / "m.nii.gz").string() + " --threshold " + t,
                             &out, &err),
              errorCodeInfo(ErrorCode::InvalidArgument).exitCode)
        << t << ": " << err;
    EXPECT_NE(err.find("--threshold must be an air threshold"), std::string::npos) << err;
  }
}

Image unitGrid(double spacing) {
  ImageGeometry g;
  g.spacing = {spacing, spacing, spacing};
  return Image(PixelType::UInt8, {10, 10, 3, 1}, 3, 1, g);
}

// A contour on a slice plane but beside the image in that plane covers no voxel: it is counted
// apart (the CLI refuses or warns), not as used.
TEST(ContourRasterizer, CountsAContourBesideTheImageInItsPlaneApart) {
  RtRoi roi;
  roi.name = "x";
  roi.contours = {{"CLOSED_PLANAR", {{2, 2, 1}, {6, 2, 1}, {6, 6, 1}}, {}},
                  {"CLOSED_PLANAR", {{20, 2, 1}, {25, 2, 1}, {25, 6, 1}}, {}},
                  {"CLOSED_PLANAR", {{2, -9, 2}, {6, -9, 2}, {6, -3, 2}}, {}}};
  RasterizationReport report;
  ContourRasterizer::rasterize(roi, unitGrid(1.0), &report);
  EXPECT_EQ(report.contoursUsed, 1u);
  EXPECT_EQ(report.contoursBesideImage, 2u);
  roi.contours.erase(roi.contours.begin());
  try {
    ContourRasterizer::rasterize(roi, unitGrid(1.0));
    FAIL() << "no contour is on the image";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
    EXPECT_NE(std::string(e.what()).find("2 beside the image"), std::string::npos) << e.what();
  }
}

// A vertex 1e30 mm away once overflowed the cast of its scan-line crossing to a column; only
// the part of the polygon over the image is filled. A point beyond any finite index is refused.
TEST(ContourRasterizer, FarAwayVerticesFillOnlyTheImageAndInfiniteOnesAreRefused) {
  RtRoi roi;
  roi.name = "x";
  roi.contours = {{"CLOSED_PLANAR", {{2, 2, 1}, {1e30, 2, 1}, {1e30, 6, 1}, {2, 6, 1}}, {}}};
  const Image mask = ContourRasterizer::rasterize(roi, unitGrid(1.0));
  const auto& v = mask.pixels<std::uint8_t>();
  EXPECT_EQ(std::count(v.begin(), v.end(), std::uint8_t{1}), 4 * 8);  // rows 2-5, columns 2-9
  EXPECT_EQ(mask.valueAt(9, 3, 1), 1.0);
  EXPECT_EQ(mask.valueAt(1, 3, 1), 0.0);

  roi.contours = {{"CLOSED_PLANAR", {{1, 1, 1}, {1e308, 1, 1}, {1, 3, 1}}, {}}};
  try {
    ContourRasterizer::rasterize(roi, unitGrid(0.5));  // 1e308 / 0.5 mm is no finite index
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
  }
}

// A PET-like volume on a coarser grid that covers `working` (or is shifted away from it).
Image coarseHotSpot(double shiftMm) {
  ImageGeometry g;
  g.spacing = {4, 4, 3};
  g.origin = {-2 + shiftMm, -2, 0};
  Image pet(PixelType::Float32, {20, 20, 10, 1}, 3, 1, g);
  for (std::size_t z = 0; z < 10; ++z)
    for (std::size_t y = 0; y < 20; ++y)
      for (std::size_t x = 0; x < 20; ++x) pet.setValueAt(x >= 8 && x < 12 ? 10.0 : 1.0, x, y, z);
  return pet;
}

TEST(AuxiliaryChannel, MapsByPositionAndScalesByAHighPercentile) {
  ImageGeometry g;
  g.spacing = {2, 2, 3};
  Image working(PixelType::Float32, {32, 32, 8, 1}, 3, 1, g);
  AuxiliaryChannel pet;
  pet.name = "PET";
  pet.percentile = 99.0;
  const Image mapped = pet.onto(coarseHotSpot(0), working);
  ASSERT_TRUE(mapped.sameGrid(working));
  // Physical x = 2 i; the hot band spans x in [30, 46) mm of the coarse grid, i.e. i 15..22 here.
  EXPECT_NEAR(mapped.valueAt(18, 10, 4), 1.0, 1e-4);  // the hot band is the 99th percentile
  EXPECT_NEAR(mapped.valueAt(4, 10, 4), 0.1, 1e-4);   // background 1 / 10
  // Another frame of reference (here 300 mm away): refused, not silently zero.
  try {
    pet.onto(coarseHotSpot(300), working);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::GeometryMismatch);
    EXPECT_NE(std::string(e.what()).find("medsight register"), std::string::npos);
  }
  // A CT where PET is expected.
  pet.modality = "PT";
  Image ct = coarseHotSpot(0);
  ct.setModality("CT");
  EXPECT_THROW(pet.onto(ct, working), Error);
  // A blank PET.
  Image blank(PixelType::Float32, {20, 20, 10, 1}, 3, 1, coarseHotSpot(0).geometry());
  try {
    pet.onto(blank, working);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
  }
  // Config entries: names must be usable on the command line and unique.
  EXPECT_THROW(AuxiliaryChannel::listFromJson(
                   nlohmann::json::parse(R"([{"name": "PET"}, {"name": "PET"}])"), "c"),
               Error);
  EXPECT_THROW(AuxiliaryChannel::fromJson(nlohmann::json::parse(R"({"name": "P=T"})"), "c"), Error);
  EXPECT_EQ(AuxiliaryChannel::fromJson(pet.toJson(), "c").toJson(), pet.toJson());
}

TEST(AuxiliaryChannel, MapsCalibratedUnitsThroughAFixedWindow) {
  ImageGeometry g;
  g.spacing = {2, 2, 3};
  Image working(PixelType::Float32, {32, 32, 8, 1}, 3, 1, g);
  const AuxiliaryChannel ct = AuxiliaryChannel::fromJson(
      nlohmann::json::parse(R"({"name": "CT", "modality": "CT", "window": [-160, 240]})"), "c");
  ASSERT_TRUE(ct.usesWindow());
  // Band 10 HU in a background of 1 HU: a percentile would call the band 1; the window keeps HU.
  const Image mapped = ct.onto(coarseHotSpot(0), working);
  EXPECT_NEAR(mapped.valueAt(18, 10, 4), (10.0 + 160) / 400, 1e-4);
  EXPECT_NEAR(mapped.valueAt(4, 10, 4), (1.0 + 160) / 400, 1e-4);
  // Shifted 30 mm: working voxels left of the image read 0, as for percentile-scaled channels.
  const Image shifted = ct.onto(coarseHotSpot(30), working);
  EXPECT_EQ(shifted.valueAt(2, 10, 4), 0.0);
  EXPECT_NEAR(shifted.valueAt(20, 10, 4), (1.0 + 160) / 400, 1e-4);
  // Values beyond the window are clipped: bone (1000 HU) reads 1, air (-1000 HU) 0, and a
  // blank image is no error.
  Image bone(PixelType::Float32, {20, 20, 10, 1}, 3, 1, coarseHotSpot(0).geometry());
  for (auto& v : bone.pixels<float>()) v = 1000.0f;
  EXPECT_EQ(ct.onto(bone, working).valueAt(4, 10, 4), 1.0);
  Image air(PixelType::Float32, {20, 20, 10, 1}, 3, 1, coarseHotSpot(0).geometry());
  for (auto& v : air.pixels<float>()) v = -1000.0f;
  EXPECT_EQ(ct.onto(air, working).valueAt(4, 10, 4), 0.0);
  // Round trip, and the two scalings are exclusive.
  EXPECT_EQ(AuxiliaryChannel::fromJson(ct.toJson(), "c").toJson(), ct.toJson());
  EXPECT_FALSE(ct.toJson().contains("percentile"));
  for (const char* bad :
       {R"({"name": "CT", "window": [240, -160]})", R"({"name": "CT", "window": [0]})",
        R"({"name": "CT", "window": [-160, 240], "percentile": 99})"}) {
    EXPECT_THROW(AuxiliaryChannel::fromJson(nlohmann::json::parse(bad), "c"), Error) << bad;
  }
}

// Older readers ignore keys they do not know: a fixed-window channel read by one would be
// scaled by its percentile instead, so such packages say format 2, which format-1 readers refuse.
/// Expects the manifest to be refused as ModelInvalid with `words` in the message.
void expectManifestRefused(const nlohmann::json& bad, const std::string& words) {
  try {
    SegmentationModelManifest::fromJson(bad, "m");
    ADD_FAILURE() << "accepted: " << bad["format"];
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelInvalid);
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(SegmentationModelManifest, AWindowedChannelIsWrittenAsFormatTwoAndUnknownSettingsAreRefused) {
  SegmentationModelManifest m;
  m.name = "t";
  m.preprocessing = nlohmann::json::array();
  m.members.push_back({"w.pt", std::string(64, 'a'), 0, {}});
  m.auxiliary.push_back(AuxiliaryChannel::fromJson(
      nlohmann::json::parse(R"({"name": "PET", "modality": "PT"})"), "c"));
  m.network.inputChannels = 2;
  m.inference.imageChannels = 2;
  EXPECT_EQ(m.toJson()["format"], SegmentationModelManifest::kFormat);
  EXPECT_NO_THROW(SegmentationModelManifest::fromJson(m.toJson(), "m"));

  m.auxiliary[0] = AuxiliaryChannel::fromJson(
      nlohmann::json::parse(R"({"name": "CT", "window": [-160, 240]})"), "c");
  nlohmann::json j = m.toJson();
  EXPECT_EQ(j["format"], SegmentationModelManifest::kFormatV2);
  EXPECT_TRUE(SegmentationModelManifest::fromJson(j, "m").auxiliary[0].usesWindow());
  // Written as format 1 on 2026-11-26 (before format 2 existed): read as it says.
  j["format"] = SegmentationModelManifest::kFormat;
  EXPECT_TRUE(SegmentationModelManifest::fromJson(j, "m").auxiliary[0].usesWindow());
  EXPECT_EQ(SegmentationModelManifest::fromJson(j, "m").toJson()["format"],
            SegmentationModelManifest::kFormatV2);
  j["format"] = "medsight-segmentation/4";
  expectManifestRefused(j, "newer than this MedSight reads");
  j["format"] = SegmentationModelManifest::kFormatV2;
  j["accepts"]["auxiliary"][0]["windw"] = {-160, 240};
  expectManifestRefused(j, "unknown setting 'windw'");
}

TEST(SegmentationModelManifest, AConfigurationReadingAnotherSliceAxisIsWrittenAsFormatThree) {
  SegmentationModelManifest m;
  m.name = "t";
  m.preprocessing = nlohmann::json::array();
  m.members.push_back({"w.pt", std::string(64, 'a'), 0, {}});
  EXPECT_EQ(m.toJson()["format"], SegmentationModelManifest::kFormat);
  EXPECT_FALSE(m.toJson()["inference"].contains("slice_axis"));  // as packages were written
  SegmentationConfiguration sagittal{"s", m.network, m.inference, m.members};
  sagittal.inference.sliceAxis = 0;
  m.ensembledWith.push_back(sagittal);
  const nlohmann::json j = m.toJson();
  // An older reader would ignore slice_axis and run the part on the stored slices.
  EXPECT_EQ(j["format"], SegmentationModelManifest::kFormatV3);
  const auto back = SegmentationModelManifest::fromJson(j, "m");
  EXPECT_EQ(back.inference.sliceAxis, 2);
  EXPECT_EQ(back.ensembledWith.at(0).inference.sliceAxis, 0);
  // Format 3 also when the primary reads another axis, and over a format-2 feature.
  m.ensembledWith.clear();
  m.inference.sliceAxis = 1;
  m.auxiliary.push_back(AuxiliaryChannel::fromJson(
      nlohmann::json::parse(R"({"name": "CT", "window": [-160, 240]})"), "c"));
  m.network.inputChannels = 2;
  m.inference.imageChannels = 2;
  nlohmann::json k = m.toJson();
  EXPECT_EQ(k["format"], SegmentationModelManifest::kFormatV3);
  EXPECT_EQ(SegmentationModelManifest::fromJson(k, "m").inference.sliceAxis, 1);
  // A package naming an axis that does not exist, or one for a 3D network, is refused on reading.
  k["inference"]["slice_axis"] = 3;
  expectManifestRefused(k, "slice_axis 3");
  k["inference"]["slice_axis"] = 0;
  k["inference"]["patch_size"] = {16, 16, 8};
  expectManifestRefused(k, "needs a 2D/2.5D configuration");
}

TEST(SegmentationModelManifest, StoresEveryPreprocessingParameterAndReadsOldPackagesAsTrained) {
  SegmentationModelManifest m;
  m.name = "t";
  m.members.push_back({"w.pt", std::string(64, 'a'), 0, {}});
  // A format-1 package written before the OpenCV steps: bare `clahe` meant ITK's equalisation
  // and bare `non_local_means` ITK's filter. Read back, that is what it replays.
  m.preprocessing = nlohmann::json::parse(
      R"({"steps": [{"step": "non_local_means"}, {"step": "clahe"}, {"step": "zscore"}]})");
  nlohmann::json old = m.toJson();
  EXPECT_EQ(old["format"], SegmentationModelManifest::kFormatV2);  // new meaning: OpenCV
  old["format"] = SegmentationModelManifest::kFormat;
  old["preprocessing"] = m.preprocessing;  // as an older MedSight stored it, unexpanded
  const auto legacy = SegmentationModelManifest::fromJson(old, "m");
  const auto& steps = legacy.preprocessing["steps"];
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0]["method"], "itk");
  EXPECT_EQ(steps[1]["step"], "adaptive_histogram_equalization");
  EXPECT_EQ(steps[2]["region"], "image");  // every default written out
  EXPECT_EQ(legacy.toJson()["format"], SegmentationModelManifest::kFormat);
  // Written by this MedSight: every parameter, so a later change of default changes nothing,
  // and format 2, which a format-1 reader refuses instead of reading `clahe` as ITK's filter.
  const nlohmann::json now = m.toJson();
  EXPECT_EQ(now["preprocessing"]["steps"][0]["method"], "opencv");
  EXPECT_EQ(now["preprocessing"]["steps"][1]["clip_limit"], 2.0);
  const auto reread = SegmentationModelManifest::fromJson(now, "m");
  EXPECT_EQ(reread.preprocessing, now["preprocessing"]);
  EXPECT_EQ(reread.toJson(), now);
  // A format-1 package from the hours when bare steps already meant OpenCV shows it by OpenCV-only
  // settings; read as it says (and labelled format 2 when rewritten), not turned into ITK's.
  nlohmann::json openCvEra = now;
  openCvEra["format"] = SegmentationModelManifest::kFormat;
  openCvEra["preprocessing"] = nlohmann::json::parse(
      R"({"steps": [{"step": "non_local_means", "strength": 0.5},
                    {"step": "clahe", "clip_limit": 3}]})");
  const auto era = SegmentationModelManifest::fromJson(openCvEra, "m");
  EXPECT_EQ(era.preprocessing["steps"][0]["method"], "opencv");
  EXPECT_EQ(era.preprocessing["steps"][1]["step"], "clahe");
  EXPECT_EQ(era.toJson()["format"], SegmentationModelManifest::kFormatV2);
  // ITK's NLM with every setting written out stays format 1 (a reader from before `method` and
  // `work_units` existed refuses those settings rather than misreading them).
  m.preprocessing = nlohmann::json::parse(R"([{"step": "non_local_means", "method": "itk"}])");
  EXPECT_EQ(m.toJson()["format"], SegmentationModelManifest::kFormat);

  nlohmann::json j = m.toJson();
  j["format"] = "medsight-segmentation/beta";
  expectManifestRefused(j, "is not one MedSight knows");
  j["format"] = "medsight-segmentation/12";
  expectManifestRefused(j, "newer than this MedSight reads");
  j["format"] = SegmentationModelManifest::kFormat;
  j["preprocessing"]["steps"][0]["stepsize"] = 2;
  expectManifestRefused(j, "stepsize");
}

TEST(AuxiliaryChannel, RefusesAnotherPatientsImageWhenBothSayWhoTheyAre) {
  AuxiliaryChannel pet;
  pet.name = "PET";
  Image mr = coarseHotSpot(0), other = coarseHotSpot(0);
  // NIfTI carries no identity: nothing to compare, accepted.
  EXPECT_NO_THROW(pet.checkSamePatient(mr, other));
  mr.metadata()["PatientID"] = "STS_001";
  EXPECT_NO_THROW(pet.checkSamePatient(mr, other));  // only one side says
  other.metadata()["PatientID"] = "STS_001";
  other.metadata()["FrameOfReferenceUID"] = "1.2.3";
  mr.metadata()["FrameOfReferenceUID"] = "1.2.4";
  EXPECT_NO_THROW(pet.checkSamePatient(mr, other));  // same patient, other frame: a warning
  other.metadata()["PatientID"] = "STS_002";
  try {
    pet.checkSamePatient(mr, other);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    const std::string what = e.what();
    EXPECT_NE(what.find("PET: its DICOM PatientID differs"), std::string::npos) << what;
    EXPECT_EQ(what.find("STS_00"), std::string::npos) << "identifiers stay out of errors";
  }
}

TEST(TumourPatchSampler, StacksAuxiliaryImagesAfterTheMainImage) {
  ImageGeometry g;
  Image img(PixelType::Float32, {32, 32, 6, 1}, 3, 1, g);
  Image aux(PixelType::Float32, {32, 32, 6, 1}, 3, 1, g);
  Image mask(PixelType::UInt8, {32, 32, 6, 1}, 3, 1, g);
  for (float& v : img.pixels<float>()) v = -1.0f;
  for (float& v : aux.pixels<float>()) v = 0.5f;
  mask.setValueAt(1, 16, 16, 3);
  PatchAugmentation none{false, false, 0, 0, 0};
  TumourPatchSampler sampler({&img}, {&mask}, {8, 8, 1}, 1, 1.0, none, 5, true, {{&aux}});
  // (main + PET) x 3 slices + 2 position channels.
  EXPECT_EQ(sampler.channels(), 8);
  const auto p = sampler.draw();
  ASSERT_EQ(p.input.size(), 8u * 64);
  EXPECT_EQ(p.input[0], -1.0f);      // main image block first
  EXPECT_EQ(p.input[3 * 64], 0.5f);  // then the auxiliary block
  EXPECT_GE(p.input[6 * 64], 0.0f);  // then the position channels
  // Inference reads the same layout.
  const auto q =
      TumourPatchSampler::extract({&img, &aux}, {8, 8, 1}, 1, {16, 16, 3}, {-1.0f, 0.0f});
  ASSERT_EQ(q.size(), 6u * 64);
  EXPECT_EQ(q[0], -1.0f);
  EXPECT_EQ(q[3 * 64], 0.5f);
  // Every case needs the same stack.
  EXPECT_THROW(TumourPatchSampler({&img, &img}, {&mask, &mask}, {8, 8, 1}, 1, 1.0, none, 5, true,
                                  {{&aux}, {}}),
               Error);
}

TEST(TumourPatchSampler, BlanksTheAuxiliaryChannelsOfSomePatches) {
  ImageGeometry g;
  Image img(PixelType::Float32, {32, 32, 6, 1}, 3, 1, g);
  Image aux(PixelType::Float32, {32, 32, 6, 1}, 3, 1, g);
  Image mask(PixelType::UInt8, {32, 32, 6, 1}, 3, 1, g);
  for (float& v : img.pixels<float>()) v = -1.0f;
  for (float& v : aux.pixels<float>()) v = 0.5f;
  mask.setValueAt(1, 16, 16, 3);
  PatchAugmentation dropout{false, false, 0, 0, 0};
  dropout.auxiliaryDropout = 0.3;
  TumourPatchSampler sampler({&img}, {&mask}, {8, 8, 1}, 1, 1.0, dropout, 5, true, {{&aux}});
  int blanked = 0;
  for (int i = 0; i < 400; ++i) {
    const auto p = sampler.draw();
    // The main image's 3 slices are never touched, nor the 2 position channels (the box
    // distance from the volume centre is > 0 somewhere in every 8 x 8 patch).
    for (std::size_t k = 0; k < 3 * 64; ++k) ASSERT_EQ(p.input[k], -1.0f);
    ASSERT_TRUE(
        std::any_of(p.input.begin() + 6 * 64, p.input.end(), [](float v) { return v > 0; }));
    const bool zero = std::all_of(p.input.begin() + 3 * 64, p.input.begin() + 6 * 64,
                                  [](float v) { return v == 0.0f; });
    const bool kept = std::all_of(p.input.begin() + 3 * 64, p.input.begin() + 6 * 64,
                                  [](float v) { return v == 0.5f; });
    ASSERT_TRUE(zero || kept);  // all auxiliary channels of a patch, or none
    blanked += zero;
  }
  EXPECT_NEAR(blanked / 400.0, 0.3, 0.07);
}

TEST(TumourPatchSampler, OverSamplesTheTumour) {
  ImageGeometry g;
  Image img(PixelType::Float32, {64, 64, 20, 1}, 3, 1, g);
  Image mask(PixelType::UInt8, {64, 64, 20, 1}, 3, 1, g);
  for (int z = 8; z < 11; ++z)
    for (int y = 30; y < 34; ++y)
      for (int x = 30; x < 34; ++x) mask.setValueAt(1, x, y, z);  // 48 of 81920 voxels
  PatchAugmentation none{false, false, 0, 0, 0};
  TumourPatchSampler sampler({&img}, {&mask}, {16, 16, 1}, 2, 0.5, none, 5);
  EXPECT_EQ(sampler.channels(), 5);
  int withTumour = 0;
  for (int i = 0; i < 400; ++i) {
    const auto p = sampler.draw();
    ASSERT_EQ(p.input.size(), 5u * 16 * 16);
    ASSERT_EQ(p.target.size(), 16u * 16);
    bool any = false;
    for (auto t : p.target) any = any || t;
    withTumour += any;
  }
  // About half the patches are centred on tumour (random ones almost never hit it).
  EXPECT_GT(withTumour, 150);
  EXPECT_LT(withTumour, 260);
}

Image randomVolume(std::size_t nx, std::size_t ny, std::size_t nz, unsigned seed) {
  Image image = emptyMask(nx, ny, nz).castTo(PixelType::Float32);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (float& v : image.pixels<float>()) v = u(rng);
  return image;
}

TEST(SliceAxisView, KeepsEveryVoxelWhereItIsInPatientSpace) {
  const Image image = randomVolume(5, 4, 3, 11);
  for (int axis = 0; axis < 3; ++axis) {
    SCOPED_TRACE(axis);
    const SliceAxisView view(axis);
    const Image v = view.toView(image);
    EXPECT_EQ(v.size().z, (std::array<std::size_t, 3>{5, 4, 3}[axis]));
    EXPECT_EQ(v.geometry().spacing[2], image.geometry().spacing[axis]);
    const auto order = view.order();
    for (std::size_t k = 0; k < v.size().z; ++k) {
      for (std::size_t j = 0; j < v.size().y; ++j) {
        for (std::size_t i = 0; i < v.size().x; ++i) {
          std::array<std::size_t, 3> at{};
          at[order[0]] = i;
          at[order[1]] = j;
          at[order[2]] = k;
          ASSERT_EQ(v.valueAt(i, j, k), image.valueAt(at[0], at[1], at[2]));
          const auto p = v.geometry().indexToPhysical(
              {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
          const auto q = image.geometry().indexToPhysical(
              {static_cast<double>(at[0]), static_cast<double>(at[1]), static_cast<double>(at[2])});
          for (int d = 0; d < 3; ++d) ASSERT_NEAR(p[d], q[d], 1e-9);
        }
      }
    }
    const Image back = view.fromView(v, image);
    EXPECT_TRUE(back.sameGrid(image, 0.0));
    EXPECT_TRUE(std::equal(back.pixels<float>().begin(), back.pixels<float>().end(),
                           image.pixels<float>().begin()));
  }
  EXPECT_TRUE(SliceAxisView(2).identity());
  EXPECT_THROW(SliceAxisView(3), Error);
  EXPECT_THROW(SliceAxisView(0).fromView(SliceAxisView(1).toView(image), image), Error);
}

TEST(SlidingWindowInferer, ReadsSlicesAcrossTheChosenAxis) {
  // The "network" returns the mean of its three context slices, so each output voxel is the
  // mean of itself and its two neighbours along the slice axis (clamped at the ends).
  const Image image = randomVolume(20, 12, 9, 5);
  const auto meanOfSlices = [](const torch::Tensor& x) { return x.mean(1); };
  for (int axis = 0; axis < 3; ++axis) {
    SCOPED_TRACE(axis);
    SlidingWindowSettings settings;
    settings.patchSize = {8, 8, 1};
    settings.contextSlices = 1;
    settings.mirror = false;
    settings.sliceAxis = axis;
    const Image out = SlidingWindowInferer(settings).run(image, meanOfSlices);
    ASSERT_TRUE(out.sameGrid(image, 0.0));
    const std::array<long, 3> n{20, 12, 9};
    for (long z = 0; z < n[2]; ++z) {
      for (long y = 0; y < n[1]; ++y) {
        for (long x = 0; x < n[0]; ++x) {
          double sum = 0;
          for (int d = -1; d <= 1; ++d) {
            std::array<long, 3> at{x, y, z};
            at[axis] = std::clamp<long>(at[axis] + d, 0, n[axis] - 1);
            sum += image.valueAt(at[0], at[1], at[2]);
          }
          ASSERT_NEAR(out.valueAt(x, y, z), sum / 3, 1e-5) << x << " " << y << " " << z;
        }
      }
    }
  }
  SlidingWindowSettings threeD;
  threeD.patchSize = {8, 8, 8};
  threeD.sliceAxis = 0;
  EXPECT_THROW(SlidingWindowInferer{threeD}, Error);
}

TEST(TumourPatchSampler, PositionChannelsLocateThePatchInTheVolume) {
  const ImageSize volume{41, 21, 11, 1};
  std::vector<float> out{7.0f};  // appended after what is already there
  // A 4 x 4 patch centred on (20, 10, 5): patch voxel (0, 0) is volume voxel (18, 8).
  TumourPatchSampler::appendPosition(volume, {4, 4, 1}, {20, 10, 5}, out);
  ASSERT_EQ(out.size(), 1u + 2 * 16);
  EXPECT_EQ(out[0], 7.0f);
  // Box distance max(|2x/40 - 1|, |2y/20 - 1|): (18, 8) -> max(0.1, 0.2).
  EXPECT_NEAR(out[1], 0.2, 1e-6);
  EXPECT_NEAR(out[1 + 2 * 4 + 2], 0.0, 1e-6);  // (20, 10) is the centre
  EXPECT_NEAR(out[1 + 16], 0.0, 1e-6);         // slice 5 of 11 is the middle one
  // Past the border the distance keeps growing instead of saturating.
  std::vector<float> edge;
  TumourPatchSampler::appendPosition(volume, {4, 4, 1}, {41, 21, 10}, edge);
  EXPECT_NEAR(edge[0], std::max(std::abs(2.0 * 39 / 40 - 1), std::abs(2.0 * 19 / 20 - 1)), 1e-6);
  EXPECT_NEAR(edge[15], std::max(std::abs(2.0 * 42 / 40 - 1), std::abs(2.0 * 22 / 20 - 1)), 1e-6);
  EXPECT_NEAR(edge[16], 1.0, 1e-6);

  // The sampler appends them after the image channels and leaves them out of the intensity
  // augmentation: a constant image must still yield exact position values.
  ImageGeometry g;
  Image img(PixelType::Float32, {32, 32, 9, 1}, 3, 1, g);
  Image mask(PixelType::UInt8, {32, 32, 9, 1}, 3, 1, g);
  mask.setValueAt(1, 16, 16, 4);
  PatchAugmentation strong{true, true, 0.5, 0.5, 0.5};
  TumourPatchSampler sampler({&img}, {&mask}, {16, 16, 1}, 1, 1.0, strong, 3, true);
  EXPECT_EQ(sampler.channels(), 5);
  for (int i = 0; i < 20; ++i) {
    const auto p = sampler.draw();
    ASSERT_EQ(p.input.size(), 5u * 16 * 16);
    float lowest = 10.0f;
    for (std::size_t k = 3 * 256; k < 4 * 256; ++k) lowest = std::min(lowest, p.input[k]);
    // The patch centre is within 4 voxels of the middle, so the box channel's minimum is small
    // and exactly representable; noise or scaling would move it off the grid of 2k/31 - 1.
    const double steps = (lowest + 1.0) * 31.0 / 2.0;
    EXPECT_NEAR(steps, std::round(steps), 1e-4);
    EXPECT_LT(lowest, 0.35f);
    const float slice = p.input[4 * 256];
    EXPECT_NEAR(slice, std::abs(2.0f * 4 / 8 - 1), 1e-6);  // centre slice 4 of 9 (mask voxel)
  }
}

TEST(TumourPatchSampler, TransformedExtractionRotatesAndZoomsImageAndMaskTogether) {
  ImageGeometry g;
  Image img(PixelType::Float32, {40, 40, 6, 1}, 3, 1, g);
  Image mask(PixelType::UInt8, {40, 40, 6, 1}, 3, 1, g);
  for (int z = 0; z < 6; ++z)
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 40; ++x) img.setValueAt(x + 100.0 * z, x, y, z);
  for (int y = 16; y < 24; ++y)
    for (int x = 20; x < 28; ++x) mask.setValueAt(1, x, y, 3);  // 8 x 8 square right of centre
  const std::array<int, 3> size{16, 16, 1};
  const std::array<long, 3> centre{20, 20, 3};

  // Angle 0, zoom 1: exactly the plain extraction.
  TrainingPatch plain;
  TumourPatchSampler::extractTransformed(img, mask, size, 1, centre, -1.0f, 0.0, 1.0, plain);
  EXPECT_EQ(plain.input, TumourPatchSampler::extract(img, size, 1, centre, -1.0f));
  int area = 0;
  for (auto t : plain.target) area += t;
  EXPECT_EQ(area, 8 * 8);

  // 90 degrees: output (u, v) reads (cx - v, cy + u), so the value (= x) now runs along y and
  // the square, right of centre in the image (x >= 20), lands in the rows v <= 0 of the patch.
  TrainingPatch rotated;
  TumourPatchSampler::extractTransformed(img, mask, size, 1, centre, -1.0f, std::numbers::pi / 2,
                                         1.0, rotated);
  const std::size_t mid = 16 * 16;  // channel 1 = centre slice (z = 3)
  for (int v = 0; v < 16; ++v) {
    EXPECT_NEAR(rotated.input[mid + static_cast<std::size_t>(v) * 16 + 3], 300 + 20 - (v - 8),
                1e-3);
  }
  int above = 0, total = 0;
  for (int v = 0; v < 16; ++v)
    for (int u = 0; u < 16; ++u) {
      const int t = rotated.target[static_cast<std::size_t>(v) * 16 + u];
      total += t;
      above += t && v <= 8;
    }
  EXPECT_EQ(total, 64);
  EXPECT_EQ(above, 64);

  // Zoom 2 magnifies: the 8 x 8 square covers about 16 x 16 patch voxels, clipped by the patch
  // edge to 9 x 15.
  TrainingPatch zoomed;
  TumourPatchSampler::extractTransformed(img, mask, size, 1, centre, -1.0f, 0.0, 2.0, zoomed);
  int zoomedArea = 0;
  for (auto t : zoomed.target) zoomedArea += t;
  EXPECT_EQ(zoomedArea, 9 * 15);
  EXPECT_NEAR(zoomed.input[mid + 8 * 16 + 12], 300 + 20 + 2.0, 1e-3);  // u = 4 reads x = 22
}

TEST(TumourPatchSampler, SpatialAugmentationKeepsTargetsBinaryAndAligned) {
  ImageGeometry g;
  Image img(PixelType::Float32, {48, 48, 8, 1}, 3, 1, g);
  Image mask(PixelType::UInt8, {48, 48, 8, 1}, 3, 1, g);
  for (int z = 0; z < 8; ++z)
    for (int y = 18; y < 30; ++y)
      for (int x = 18; x < 30; ++x) {
        mask.setValueAt(1, x, y, z);
        img.setValueAt(1.0, x, y, z);  // the image shows the tumour as a bright square
      }
  PatchAugmentation spatial{false, false, 0, 0, 0, 1.0, 180.0, 0.25};
  TumourPatchSampler sampler({&img}, {&mask}, {16, 16, 1}, 0, 1.0, spatial, 11);
  for (int i = 0; i < 50; ++i) {
    const auto p = sampler.draw();
    int agree = 0, fg = 0;
    for (std::size_t k = 0; k < p.target.size(); ++k) {
      ASSERT_LE(p.target[k], 1);
      fg += p.target[k];
      agree += (p.target[k] == 1) == (p.input[k] > 0.5f);
    }
    // Nearest-neighbour mask and bilinear image disagree at most along the square's edge.
    EXPECT_GT(agree, static_cast<int>(p.target.size()) * 85 / 100);
    EXPECT_GT(fg, 0);
  }
}

// A synthetic chest: air around an elliptic body (40 HU) placed off the image centre, with a
// larger left and a smaller right lung (-850 HU). Index x grows toward patient left (identity
// direction, LPS).
Image syntheticChest(bool touching) {
  ImageGeometry g;
  g.spacing = {2.0, 2.0, 5.0};
  Image ct(PixelType::Float32, {200, 150, 12, 1}, 3, 1, g);
  ct.setModality("CT");
  const double bx = 120, by = 75;  // body centre: 40 voxels right of the image centre
  for (int z = 0; z < 12; ++z)
    for (int y = 0; y < 150; ++y)
      for (int x = 0; x < 200; ++x) {
        const double ex = (x - bx) / 75.0, ey = (y - by) / 55.0;
        float v = ex * ex + ey * ey <= 1.0 ? 40.0f : -1000.0f;
        if (z >= 1 && z <= 10) {
          const double lx = (x - (bx + 35)) / 28.0, ly = (y - by) / 35.0;  // left lung
          const double rx = (x - (bx - 32)) / 22.0, ry = (y - by) / 30.0;  // right lung
          if (lx * lx + ly * ly <= 1.0 || rx * rx + ry * ry <= 1.0) v = -850.0f;
          if (touching && x >= bx - 15 && x <= bx + 12 && std::abs(y - by) <= 2) v = -850.0f;
        }
        ct.setValueAt(v, x, y, z);
      }
  return ct;
}

TEST(LungFieldSegmenter, SidesFollowTheMediastinumNotTheImageCentre) {
  for (bool touching : {false, true}) {
    const LungFieldResult r = LungFieldSegmenter().segment(syntheticChest(touching));
    EXPECT_EQ(r.components, touching ? 1 : 2);
    EXPECT_TRUE(r.sidesSeparated) << "touching " << touching;
    // Ellipse areas: left pi*28*35, right pi*22*30 voxels, 10 slices of 2 x 2 x 5 mm.
    const double left = 3.14159 * 28 * 35 * 10 * 0.02, right = 3.14159 * 22 * 30 * 10 * 0.02;
    EXPECT_NEAR(r.leftVolumeMl, left, 0.08 * left) << "touching " << touching;
    EXPECT_NEAR(r.rightVolumeMl, right, 0.08 * right) << "touching " << touching;
  }
}

TEST(SegmentationCrossValidation, FoldsArePatientLevelAndBalanced) {
  std::vector<std::string> ids;
  for (int i = 0; i < 22; ++i) ids.push_back("P" + std::to_string(i));
  const auto f = SegmentationCrossValidation::assignFolds(ids, 5, 42);
  std::vector<int> count(5, 0);
  for (int k : f) ++count[k];
  for (int c : count) EXPECT_TRUE(c == 4 || c == 5);
  EXPECT_EQ(f, SegmentationCrossValidation::assignFolds(ids, 5, 42));  // reproducible
  EXPECT_NE(f, SegmentationCrossValidation::assignFolds(ids, 5, 43));
  EXPECT_THROW(SegmentationCrossValidation::assignFolds({"a", "b"}, 5, 1), Error);
}

TEST(TumourSegmenter, LowestAgreementFindsTheConfigurationThatOutlinesSomethingElse) {
  ImageGeometry g;
  auto part = [&](std::size_t x0, std::size_t x1, float value) {
    Image p(PixelType::Float32, {20, 4, 1, 1}, 3, 1, g);
    for (std::size_t x = x0; x < x1; ++x)
      for (std::size_t y = 0; y < 4; ++y) p.setValueAt(value, x, y, 0);
    return p;
  };
  auto outline = [](const Image& p) { return TumourSegmenter::outline(p, 0.5); };
  // Two parts outline x 0..9, a third x 10..19 (a hot spot elsewhere): the ensemble mean
  // (two thirds of 0.9 = 0.6 on x 0..9, 0.3 on x 10..19) keeps x 0..9.
  const auto a = outline(part(0, 10, 0.9f)), c = outline(part(10, 20, 0.9f));
  Image mean = part(0, 10, 0.6f);
  for (std::size_t x = 10; x < 20; ++x)
    for (std::size_t y = 0; y < 4; ++y) mean.setValueAt(0.3, x, y, 0);
  const auto ensemble = outline(mean);
  EXPECT_EQ(std::count(ensemble.begin(), ensemble.end(), 1), 40);
  EXPECT_DOUBLE_EQ(TumourSegmenter::lowestAgreement({a, a, c}, ensemble), 0.0);
  // Without the third part they agree fully; half overlap gives Dice 2*20/(40+40) = 0.5.
  EXPECT_DOUBLE_EQ(TumourSegmenter::lowestAgreement({a, a}, a), 1.0);
  EXPECT_DOUBLE_EQ(TumourSegmenter::lowestAgreement({outline(part(5, 15, 0.9f))}, a), 0.5);
  // The threshold is inclusive, as for the mask: 0.5 is in.
  EXPECT_DOUBLE_EQ(TumourSegmenter::lowestAgreement({outline(part(0, 10, 0.5f))}, a), 1.0);
  // All empty: agreement, not a division by zero.
  const auto none = outline(part(0, 0, 0.f));
  EXPECT_DOUBLE_EQ(TumourSegmenter::lowestAgreement({none}, none), 1.0);
  EXPECT_THROW(TumourSegmenter::lowestAgreement({std::vector<std::uint8_t>(5)}, a), Error);
}

}  // namespace
}  // namespace medsight

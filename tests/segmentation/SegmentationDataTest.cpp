#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/ContourRasterizer.h"
#include "segmentation/DicomSegWriter.h"
#include "segmentation/LungFieldSegmenter.h"
#include "segmentation/RtStructWriter.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

// The NIfTI masks of the cohort were made from the same RTSTRUCTs by MIRP: our conversion must
// give the same volume within 2 % and nearly the same voxels.
void expectRtStructMatchesNifti(const std::string& patient, const std::string& modality) {
  const auto dicom = test::datasetPath("sts/dicom/" + patient + "/" + modality);
  const auto nifti = test::datasetPath("sts/nifti/" + patient);
  const RtStructureSet rs = RtStructureSet::read(dicom / "mask/RS.dcm");
  const ReferencedSeries ref = ReferencedSeries::read(dicom / "image");
  EXPECT_EQ(rs.referencedSeriesUid, ref.series.seriesInstanceUid);
  RasterizationReport report;
  const Image mask = ContourRasterizer::rasterize(rs.roi(""), ref.image, &report);
  EXPECT_EQ(report.contoursOffSlice, 0u);
  Image truth = ImageFileReader::read(nifti / (modality + "_mask.nii.gz"));
  ASSERT_TRUE(truth.sameGrid(mask, 1e-2)) << patient << " " << modality;
  truth.geometry() = mask.geometry();
  const double v = MaskComparison::volumeMl(mask), t = MaskComparison::volumeMl(truth);
  ::testing::Test::RecordProperty(patient + "_" + modality + "_volume_ml", std::to_string(v));
  ::testing::Test::RecordProperty(patient + "_" + modality + "_reference_ml", std::to_string(t));
  EXPECT_NEAR(v, t, 0.02 * t) << patient << " " << modality;
  EXPECT_GT(MaskComparison::dice(mask, truth), 0.97) << patient << " " << modality;
}

TEST(RtStructData, Sts001MasksMatchTheNiftiMasks) {
  MEDSIGHT_DATASET(dir, "sts/dicom/STS_001");
  for (const char* m : {"CT", "MR_T1", "PET"}) expectRtStructMatchesNifti("STS_001", m);
}

TEST(RtStructData, Sts002MasksMatchTheNiftiMasks) {
  MEDSIGHT_DATASET(dir, "sts/dicom/STS_002");
  for (const char* m : {"CT", "MR_T1", "PET"}) expectRtStructMatchesNifti("STS_002", m);
}

// dicom3tools' IOD checker, when installed: no "Error" lines.
void expectValidIod(const std::filesystem::path& file) {
  if (std::system("command -v dciodvfy > /dev/null 2>&1") != 0) return;
  std::string out, err;
  test::runCommand("dciodvfy " + file.string(), &out, &err);
  std::istringstream lines(out + err);
  std::string line, errors;
  while (std::getline(lines, line)) {
    if (line.rfind("Error", 0) == 0) errors += line + "\n";
  }
  EXPECT_TRUE(errors.empty()) << file << ":\n" << errors;
}

TEST(RtStructData, MaskRoundTripsThroughWrittenRtStructAndSeg) {
  MEDSIGHT_DATASET(dir, "sts/dicom/STS_002/MR_T1");
  const ReferencedSeries ref = ReferencedSeries::read(dir / "image");
  const Image mask =
      ContourRasterizer::rasterize(RtStructureSet::read(dir / "mask/RS.dcm").roi(""), ref.image);
  const auto tmp = test::temporaryDirectory("rtstruct-out");
  ExportedStructure st;
  st.name = "GTV_MedSight";
  st.mask = mask;
  RtStructWriter::write({st}, ref, tmp / "rs.dcm");
  const RtStructureSet back = RtStructureSet::read(tmp / "rs.dcm");
  EXPECT_EQ(back.referencedSeriesUid, ref.series.seriesInstanceUid);
  EXPECT_EQ(back.frameOfReferenceUid, ref.series.instances.front().frameOfReferenceUid);
  const Image again = ContourRasterizer::rasterize(back.roi("GTV_MedSight"), ref.image);
  EXPECT_DOUBLE_EQ(MaskComparison::dice(again, mask), 1.0);
  expectValidIod(tmp / "rs.dcm");

  DicomSegWriter::write(st, ref, tmp / "seg.dcm");
  EXPECT_TRUE(std::filesystem::file_size(tmp / "seg.dcm") > 1000);
  expectValidIod(tmp / "seg.dcm");

  // A mask on another grid is refused and nothing is written.
  ExportedStructure off = st;
  off.mask.geometry().spacing[0] *= 2;
  try {
    RtStructWriter::write({off}, ref, tmp / "off.dcm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::GeometryMismatch);
  }
  EXPECT_FALSE(std::filesystem::exists(tmp / "off.dcm"));
}

using test::medsight;

TEST(RtStructCommandsE2E, CodedValuesAreCheckedAndAnImageIsNotTakenForAMask) {
  MEDSIGHT_DATASET(dir, "sts/dicom/STS_002/MR_T1");
  const auto tmp = test::temporaryDirectory("rtstruct-cli");
  std::string out, err;
  ASSERT_EQ(medsight("rtstruct to-mask " + (dir / "mask/RS.dcm").string() + " " +
                         (dir / "image").string() + " " + (tmp / "m.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  // Case does not matter, and the written value is the standard's (GTV, coded as a neoplasm).
  ASSERT_EQ(medsight("dicom-seg " + (tmp / "m.nii.gz").string() + " " + (dir / "image").string() +
                         " " + (tmp / "seg.dcm").string() + " --type gtv",
                     &out, &err),
            0)
      << err;
  std::string dump, dumpErr;
  if (test::runCommand("dcmdump " + (tmp / "seg.dcm").string(), &dump, &dumpErr) == 0) {
    EXPECT_NE(dump.find("Neoplasm"), std::string::npos);
  }
  ASSERT_EQ(medsight("rtstruct from-mask " + (tmp / "m.nii.gz").string() + " " +
                         (dir / "image").string() + " " + (tmp / "rs.dcm").string() +
                         " --algorithm semiautomatic --type ctv",
                     &out, &err),
            0)
      << err;
  if (test::runCommand("dcmdump " + (tmp / "rs.dcm").string(), &dump, &dumpErr) == 0) {
    EXPECT_NE(dump.find("[SEMIAUTOMATIC]"), std::string::npos);
    EXPECT_NE(dump.find("[CTV]"), std::string::npos);
  }
  const int invalid = errorCodeInfo(ErrorCode::InvalidArgument).exitCode;
  EXPECT_EQ(medsight("dicom-seg " + (tmp / "m.nii.gz").string() + " " + (dir / "image").string() +
                         " " + (tmp / "x.dcm").string() + " --type GVT",
                     &out, &err),
            invalid);
  EXPECT_EQ(
      medsight("rtstruct from-mask " + (tmp / "m.nii.gz").string() + " " +
                   (dir / "image").string() + " " + (tmp / "x.dcm").string() + " --algorithm AUTO",
               &out, &err),
      invalid);
  EXPECT_EQ(medsight("rtstruct from-mask " + (tmp / "m.nii.gz").string() + " " +
                         (dir / "image").string() + " " + (tmp / "x.dcm").string() + " --type FOO",
                     &out, &err),
            invalid);
  // The MR itself given as the mask: refused, not written as a structure of every voxel.
  ASSERT_EQ(medsight("convert " + (dir / "image").string() + " " + (tmp / "mr.nii.gz").string(),
                     &out, &err),
            0)
      << err;
  for (const std::string cmd : {"dicom-seg", "rtstruct from-mask"}) {
    EXPECT_EQ(medsight(cmd + " " + (tmp / "mr.nii.gz").string() + " " + (dir / "image").string() +
                           " " + (tmp / "x.dcm").string(),
                       &out, &err),
              errorCodeInfo(ErrorCode::LabelMismatch).exitCode)
        << cmd << ": " << err;
    EXPECT_NE(err.find("not a binary mask"), std::string::npos) << err;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp / "x.dcm"));
  // The SEG named as a slice of the series it references (on a copy): refused, the slice kept.
  std::filesystem::copy(dir / "image", tmp / "series");
  const auto slice = std::filesystem::directory_iterator(tmp / "series")->path();
  const auto sliceSize = std::filesystem::file_size(slice);
  for (const auto& target : {slice, tmp / "series" / "seg.dcm"}) {
    EXPECT_EQ(medsight("dicom-seg " + (tmp / "m.nii.gz").string() + " " +
                           (tmp / "series").string() + " " + target.string(),
                       &out, &err),
              invalid)
        << target;
    EXPECT_NE(err.find("series folder this command reads"), std::string::npos) << err;
  }
  EXPECT_EQ(std::filesystem::file_size(slice), sliceSize);
  EXPECT_FALSE(std::filesystem::exists(tmp / "series" / "seg.dcm"));
  // An empty segment label is refused by the option, not by DCMTK as an internal error.
  EXPECT_EQ(medsight("dicom-seg " + (tmp / "m.nii.gz").string() + " " + (dir / "image").string() +
                         " " + (tmp / "x.dcm").string() + " --name \"\"",
                     &out, &err),
            invalid)
      << err;
}

// Part of the referenced series missing (a transfer cut short): the contours beyond its last
// slice are not silently dropped, the existing output is left as it was, and --allow-partial
// writes what is on the slices with a warning that says how much is missing.
TEST(RtStructCommandsE2E, AnIncompleteSeriesIsRefusedUnlessPartialIsAllowed) {
  MEDSIGHT_DATASET(dir, "sts/dicom/STS_002/MR_T1");
  const auto tmp = test::temporaryDirectory("rtstruct-partial");
  std::vector<std::filesystem::path> slices;
  for (const auto& e : std::filesystem::directory_iterator(dir / "image")) {
    slices.push_back(e.path());
  }
  ASSERT_GT(slices.size(), 10u);
  // Keep the lower half of the slices by position (file names are not assumed to be in order).
  std::vector<std::pair<double, std::filesystem::path>> byZ;
  for (const auto& f : slices) byZ.emplace_back(ImageFileReader::read(f).geometry().origin[2], f);
  std::sort(byZ.begin(), byZ.end());
  std::filesystem::create_directories(tmp / "half");
  for (std::size_t i = 0; i < byZ.size() / 2; ++i) {
    std::filesystem::copy_file(byZ[i].second, tmp / "half" / byZ[i].second.filename());
  }
  std::ofstream(tmp / "keep.nii.gz") << "an earlier result";
  std::string out, err;
  const std::string cmd = "--json rtstruct to-mask " + (dir / "mask/RS.dcm").string() + " " +
                          (tmp / "half").string() + " ";
  EXPECT_EQ(medsight(cmd + (tmp / "keep.nii.gz").string(), &out, &err),
            errorCodeInfo(ErrorCode::GeometryMismatch).exitCode);
  EXPECT_NE(err.find("beyond its first or last slice"), std::string::npos) << err;
  EXPECT_NE(err.find("--allow-partial"), std::string::npos) << err;
  std::ifstream keep(tmp / "keep.nii.gz");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(keep), {}), "an earlier result");
  ASSERT_EQ(medsight(cmd + (tmp / "part.nii.gz").string() + " --allow-partial", &out, &err), 0)
      << err;
  const auto j = nlohmann::json::parse(out);
  EXPECT_GT(j.at("contours_outside").get<int>(), 0);
  EXPECT_GT(j.at("contours_used").get<int>(), 0);
  ASSERT_EQ(j.at("warnings").size(), 1u);
  EXPECT_NE(err.find("warning:"), std::string::npos);
  // Its mask holds part of the 53 ml tumour, not all of it.
  EXPECT_LT(j.at("volume_ml").get<double>(), 50.0);
  // An output that is the command's own input is refused before anything is read.
  EXPECT_EQ(medsight("rtstruct to-mask " + (dir / "mask/RS.dcm").string() + " " +
                         (tmp / "part.nii.gz").string() + " " + (tmp / "part.nii.gz").string(),
                     &out, &err),
            errorCodeInfo(ErrorCode::InvalidArgument).exitCode);
  EXPECT_NE(err.find("is the referenced image this command reads"), std::string::npos) << err;
}

// The IBSI CT phantom is a 20 cm crop (204 x 201 x 60) around a lung tumour: it shows one lung,
// cut by the field of view at the image border, not both lungs of a whole chest CT.
TEST(LungFieldSegmenterData, FindsTheLungCutByTheIbsiChestCtCrop) {
  MEDSIGHT_DATASET(dir, "ibsi/ct_phantom/dicom/image");
  const Image ct = ImageFileReader::read(dir);
  const LungFieldResult r = LungFieldSegmenter().segment(ct);
  ::testing::Test::RecordProperty("lung_volume_ml", std::to_string(r.volumeMl));
  EXPECT_TRUE(r.gatePassed) << r.volumeMl << " ml, slices " << r.sliceFraction;
  EXPECT_EQ(r.components, 1);
  // One lung seen over a 20 cm field (a whole adult lung holds roughly 1.5-3 litres).
  EXPECT_GT(r.volumeMl, 600.0);
  EXPECT_LT(r.volumeMl, 3000.0);
  EXPECT_GT(r.sliceFraction, 0.9);
  // One lung: no mediastinal gap, so all of it is counted on one side.
  EXPECT_FALSE(r.sidesSeparated);
  EXPECT_TRUE(r.leftVolumeMl == 0.0 || r.rightVolumeMl == 0.0)
      << r.leftVolumeMl << " / " << r.rightVolumeMl;
  // The lung reaches the image border (where the crop cuts it) and is kept there.
  std::size_t onBorder = 0;
  for (std::size_t z = 0; z < r.mask.size().z; ++z)
    for (std::size_t x = 0; x < r.mask.size().x; ++x) onBorder += r.mask.valueAt(x, 0, z) != 0;
  EXPECT_GT(onBorder, 100u);
  // Lung voxels are air-like: their mean HU lies in the parenchyma range.
  double sum = 0;
  std::size_t n = 0;
  const Image f = ct.castTo(PixelType::Float32);
  const auto m = r.mask.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i]) sum += f.pixels<float>()[i], ++n;
  }
  EXPECT_LT(sum / n, -600.0);
  EXPECT_GT(sum / n, -950.0);
}

TEST(LungFieldSegmenterData, GateRejectsALimbCtAndAnMr) {
  MEDSIGHT_DATASET(dir, "sts/nifti/STS_001");
  Image ct = ImageFileReader::read(dir / "CT_image.nii.gz");
  const LungFieldResult r = LungFieldSegmenter().segment(ct);
  EXPECT_FALSE(r.gatePassed);
  Image mr = ImageFileReader::read(dir / "MR_T1_image.nii.gz");
  mr.setModality("MR");
  EXPECT_THROW(LungFieldSegmenter().segment(mr), Error);
}

// The shipped STS packages, as a user runs them: each verifies, outlines a training patient of
// the cohort close to its reference (an in-sample figure, which `segment` flags as such), and
// the MR + PET package refuses to run without the PET.
TEST(ShippedSegmentationModelData, EachStsPackageOutlinesATrainingPatientAndFlagsIt) {
  MEDSIGHT_DATASET(root, "sts/nifti");
  const auto tmp = test::temporaryDirectory("seg-shipped");
  const auto models = std::filesystem::path(MEDSIGHT_SOURCE_DIR) / "models";
  const auto mr = root / "STS_002" / "MR_T1_image.nii.gz";
  const std::string reference = (root / "STS_002" / "MR_T1_mask.nii.gz").string();
  const std::string pet = (root / "STS_002" / "PET_image.nii.gz").string();
  for (const std::string name : {"sts-mr-t1-unet", "sts-mr-t1-pet-unet"}) {
    SCOPED_TRACE(name);
    const auto package = models / name;
    ASSERT_TRUE(std::filesystem::exists(package / "manifest.json"));
    const json manifest = json::parse(std::ifstream(package / "manifest.json"));
    const bool needsPet = manifest["accepts"].contains("auxiliary");
    EXPECT_EQ(needsPet, name == "sts-mr-t1-pet-unet");
    const std::string segment = test::medsightExecutable().string() +
                                " --threads 2 segment --json --model " + package.string() + " " +
                                mr.string() + " ";
    std::string out, err;
    ASSERT_EQ(test::runCommand(segment + (tmp / (name + ".nii.gz")).string() + " --reference " +
                                   reference + (needsPet ? " --aux PET=" + pet : ""),
                               &out, &err),
              0)
        << err;
    const json r = json::parse(out);
    EXPECT_GT(r["reference"]["dice"].get<double>(), 0.7) << out;
    EXPECT_EQ(r["training_patient"]["patient"], "STS_002") << out;
    if (needsPet) {
      EXPECT_EQ(test::runCommand(segment + (tmp / "no.nii.gz").string(), &out, &err), 2);
      EXPECT_NE(err.find("--aux PET=FILE"), std::string::npos) << err;
      EXPECT_FALSE(std::filesystem::exists(tmp / "no.nii.gz"));
    }
  }
}

// The DICOM copies of two cohort patients: the PET package reads the MR and PET series as
// acquired (same frame of reference), and refuses the other patient's PET by its PatientID
// before any work. STS_002 is the smaller volume (about 4 s through the four configurations).
TEST(ShippedSegmentationModelData, PetPackageReadsDicomSeriesAndRefusesAnotherPatientsPet) {
  MEDSIGHT_DATASET(dicom, "sts/dicom");
  MEDSIGHT_DATASET(nifti, "sts/nifti");
  const auto tmp = test::temporaryDirectory("seg-dicom-pet");
  const auto package = std::filesystem::path(MEDSIGHT_SOURCE_DIR) / "models" / "sts-mr-t1-pet-unet";
  const std::string segment = test::medsightExecutable().string() +
                              " --threads 2 segment --json --model " + package.string() + " " +
                              (dicom / "STS_002" / "MR_T1" / "image").string() + " ";
  std::string out, err;
  ASSERT_EQ(test::runCommand(segment + (tmp / "ok.nii.gz").string() + " --aux PET=" +
                                 (dicom / "STS_002" / "PET" / "image").string() + " --reference " +
                                 (nifti / "STS_002" / "MR_T1_mask.nii.gz").string(),
                             &out, &err),
            0)
      << err;
  const json r = json::parse(out);
  EXPECT_GT(r["reference"]["dice"].get<double>(), 0.7) << out;
  EXPECT_EQ(test::runCommand(segment + (tmp / "no.nii.gz").string() +
                                 " --aux PET=" + (dicom / "STS_001" / "PET" / "image").string(),
                             &out, &err),
            2);
  EXPECT_NE(err.find("PatientID differs"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "no.nii.gz"));
}

}  // namespace
}  // namespace medsight

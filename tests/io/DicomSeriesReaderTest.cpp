#include "io/DicomSeriesReader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "io/NiftiReader.h"
#include "support/TestData.h"

namespace medsight {
namespace {

/// Largest absolute voxel difference between two images on the same grid.
double maxAbsDifference(const Image& a, const Image& b) {
  double worst = 0;
  for (std::size_t z = 0; z < a.size().z; ++z) {
    for (std::size_t y = 0; y < a.size().y; ++y) {
      for (std::size_t x = 0; x < a.size().x; ++x) {
        worst = std::max(worst, std::abs(a.valueAt(x, y, z) - b.valueAt(x, y, z)));
      }
    }
  }
  return worst;
}

std::filesystem::path copySeries(const std::filesystem::path& from, const std::string& tag) {
  const auto dir = test::temporaryDirectory(tag);
  for (const auto& e : std::filesystem::directory_iterator(from)) {
    std::filesystem::copy_file(e.path(), dir / e.path().filename());
  }
  return dir;
}

}  // namespace

// The sarcoma cohort's NIfTI files were converted from these DICOM series by the IBSI team
// (and match dcm2niix), so they are a ground truth for geometry and values.
TEST(DicomSeriesReaderData, SarcomaSeriesMatchTheirNiftiGroundTruth) {
  MEDSIGHT_DATASET(dicom, "sts/dicom/STS_001");
  MEDSIGHT_DATASET(nifti, "sts/nifti/STS_001");
  for (const char* modality : {"CT", "MR_T1", "PET"}) {
    SCOPED_TRACE(modality);
    const Image fromDicom = DicomSeriesReader::readFolder(dicom / modality / "image");
    const Image truth = NiftiReader::read(nifti / (std::string(modality) + "_image.nii.gz"));
    ASSERT_EQ(fromDicom.size(), truth.size());
    EXPECT_TRUE(fromDicom.geometry().approxEqual(truth.geometry(), 1e-3))
        << "origin " << fromDicom.geometry().origin[0] << "," << fromDicom.geometry().origin[1]
        << "," << fromDicom.geometry().origin[2] << " vs " << truth.geometry().origin[0] << ","
        << truth.geometry().origin[1] << "," << truth.geometry().origin[2];
    const auto [lo, hi] = truth.minMax();
    // Values agree to the precision of the stored DICOM integers (PET: slope 7e-5 SUV).
    EXPECT_LE(maxAbsDifference(fromDicom, truth), 1e-3 * std::max(1.0, hi - lo));
  }
}

TEST(DicomSeriesReaderData, ScanReportsOneSeriesPerModalityAndTheRtStruct) {
  MEDSIGHT_DATASET(dicom, "sts/dicom/STS_001");
  const DicomScanResult scan = DicomSeriesScanner::scan(dicom);
  ASSERT_EQ(scan.series.size(), 3u);
  for (const auto& s : scan.series) {
    EXPECT_EQ(s.positions, 59u) << s.modality;
    EXPECT_NEAR(s.sliceSpacing, 3.27, 1e-3);
    EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
  }
  EXPECT_EQ(scan.nonImageInstances.size(), 3u);  // one RTSTRUCT per modality
  EXPECT_TRUE(scan.failures.empty());
}

TEST(DicomSeriesReaderData, SortsByPositionNotByFileName) {
  MEDSIGHT_DATASET(ct, "sts/dicom/STS_001/CT/image");
  const auto dir = test::temporaryDirectory("shuffled");
  std::size_t i = 0;
  for (const auto& e : std::filesystem::directory_iterator(ct)) {
    // Reverse-ish, meaningless names.
    std::filesystem::copy_file(e.path(), dir / ("img" + std::to_string((i++ * 37) % 101) + ".dcm"));
  }
  const Image shuffled = DicomSeriesReader::readFolder(dir);
  const Image ordered = DicomSeriesReader::readFolder(ct);
  EXPECT_TRUE(shuffled.sameGrid(ordered));
  EXPECT_EQ(maxAbsDifference(shuffled, ordered), 0.0);
}

TEST(DicomSeriesReaderData, MissingAndDuplicateSlicesAreReported) {
  MEDSIGHT_DATASET(ct, "sts/dicom/STS_001/CT/image");
  const auto dir = copySeries(ct, "gaps");
  std::filesystem::remove(dir / "000030.dcm");
  std::filesystem::copy_file(dir / "000010.dcm", dir / "copy-of-10.dcm");
  const DicomScanResult scan = DicomSeriesScanner::scan(dir);
  ASSERT_EQ(scan.series.size(), 1u);
  const auto& w = scan.series.front().warnings;
  const bool missing = std::any_of(w.begin(), w.end(), [](const std::string& s) {
    return s.find("1 slice(s) missing") != std::string::npos;
  });
  const bool duplicate = std::any_of(w.begin(), w.end(), [](const std::string& s) {
    return s.find("duplicate slice") != std::string::npos &&
           s.find("same SOP Instance UID") != std::string::npos;
  });
  EXPECT_TRUE(missing);
  EXPECT_TRUE(duplicate);
  EXPECT_EQ(scan.series.front().positions, 58u);
}

// Stacking the 58 slices left would put slices 30..57 3.27 mm from where they were acquired
// (a mask from the RTSTRUCT one slice off the image); the series is refused, or read with the
// missing slice interpolated so that every other slice keeps its position.
TEST(DicomSeriesReaderData, ASeriesWithASliceMissingIsRefusedOrInterpolatedInPlace) {
  MEDSIGHT_DATASET(ct, "sts/dicom/STS_001/CT/image");
  const auto dir = copySeries(ct, "missing-slice");
  std::filesystem::remove(dir / "000030.dcm");
  try {
    DicomSeriesReader::readFolder(dir);
    FAIL() << "a series with a slice missing was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InconsistentSeries);
    const std::string m = e.what();
    EXPECT_NE(m.find("1 slice(s) missing between positions"), std::string::npos) << m;
    EXPECT_NE(m.find("--interpolate-missing-slices"), std::string::npos) << m;
  }
  const Image original = DicomSeriesReader::readFolder(ct);
  const Image filled = DicomSeriesReader::readFolder(dir, "", 0, true);
  ASSERT_EQ(filled.size(), original.size());
  EXPECT_TRUE(filled.geometry().approxEqual(original.geometry(), 1e-6));
  // Find the interpolated slice: the only one that differs from the original.
  std::vector<std::size_t> differing;
  for (std::size_t z = 0; z < original.size().z; ++z) {
    bool same = true;
    for (std::size_t y = 0; y < original.size().y && same; y += 7)
      for (std::size_t x = 0; x < original.size().x && same; x += 7)
        same = filled.valueAt(x, y, z) == original.valueAt(x, y, z);
    if (!same) differing.push_back(z);
  }
  ASSERT_EQ(differing.size(), 1u);
  const std::size_t z = differing.front();
  ASSERT_GT(z, 0u);
  double worst = 0;
  for (std::size_t y = 0; y < original.size().y; ++y)
    for (std::size_t x = 0; x < original.size().x; ++x) {
      const double mean = 0.5 * (original.valueAt(x, y, z - 1) + original.valueAt(x, y, z + 1));
      worst = std::max(worst, std::abs(filled.valueAt(x, y, z) - mean));
    }
  EXPECT_LE(worst, 0.5) << "the midpoint of the two neighbours, rounded to the stored integer";
  EXPECT_NE(filled.metadata().at("series.warnings").find("interpolated 1 missing slice(s)"),
            std::string::npos);
}

// A slice that cannot be read leaves the same gap; the refusal names the unreadable file.
TEST(DicomSeriesReaderData, TheRefusalNamesTheFileThatCouldNotBeRead) {
  MEDSIGHT_DATASET(ct, "sts/dicom/STS_001/CT/image");
  const auto dir = copySeries(ct, "unreadable-slice");
  std::filesystem::resize_file(dir / "000030.dcm", 700);
  try {
    DicomSeriesReader::readFolder(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InconsistentSeries);
    EXPECT_NE(
        std::string(e.what()).find("could not be read, first " + (dir / "000030.dcm").string()),
        std::string::npos)
        << e.what();
  }
}

TEST(DicomSeriesReaderData, OneBadSliceIsListedAndGoodSeriesStillFound) {
  MEDSIGHT_DATASET(ct, "sts/dicom/STS_001/CT/image");
  const auto dir = copySeries(ct, "badslice");
  // A truncated copy of a real slice and a file of garbage with a DICOM preamble.
  {
    std::ifstream in(ct / "000005.dcm", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "truncated.dcm", std::ios::binary) << bytes.substr(0, 700);
    std::string junk(128, '\0');
    junk += "DICM";
    junk += std::string(300, '\xff');
    std::ofstream(dir / "junk.dcm", std::ios::binary) << junk;
    std::ofstream(dir / "README.txt") << "notes";
  }
  const DicomScanResult scan = DicomSeriesScanner::scan(dir);
  EXPECT_EQ(scan.series.size(), 1u);
  EXPECT_EQ(scan.series.front().positions, 59u);
  EXPECT_EQ(scan.failures.size(), 2u);
  EXPECT_EQ(scan.skippedNonDicom, 1u);
  for (const auto& [file, reason] : scan.failures) EXPECT_FALSE(reason.empty()) << file;
}

TEST(DicomSeriesReader, EmptyFolderIsAClearError) {
  const auto dir = test::temporaryDirectory("empty");
  try {
    DicomSeriesReader::readFolder(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput) << e.what();
  }
}

}  // namespace medsight

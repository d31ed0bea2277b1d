#include "io/DicomFileReader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/TestData.h"

namespace medsight {

TEST(DicomFileReaderData, CtSliceGivesHounsfieldUnitsAndGeometry) {
  MEDSIGHT_DATASET(path, "dicom-samples/test_files/CT_small.dcm");
  const Image ct = DicomFileReader::read(path);
  EXPECT_EQ(ct.modality(), "CT");
  EXPECT_EQ(ct.size(), (ImageSize{128, 128, 1, 1}));
  EXPECT_EQ(ct.pixelType(), PixelType::Int16);
  // Stored values (gdcmraw) 175, 1928, 185 with Rescale Intercept -1024, Slope 1.
  EXPECT_EQ(ct.valueAt(0, 0), -849.0);
  EXPECT_EQ(ct.valueAt(64, 64), 904.0);
  EXPECT_EQ(ct.valueAt(20, 10), -839.0);
  EXPECT_NEAR(ct.geometry().spacing[0], 0.661468, 1e-9);
  EXPECT_NEAR(ct.geometry().spacing[1], 0.661468, 1e-9);
  EXPECT_NEAR(ct.geometry().spacing[2], 5.0, 1e-9);  // slice thickness of a single slice
  EXPECT_NEAR(ct.geometry().origin[0], -158.135803, 1e-6);
  EXPECT_NEAR(ct.geometry().origin[2], -75.699997, 1e-6);
  EXPECT_EQ(ct.geometry().orientationCode(), "LPS");
  EXPECT_EQ(ct.metadata().at("PixelSpacingSource"), "PixelSpacing");
  EXPECT_EQ(ct.metadata().at("RescaleIntercept"), "-1024");
}

TEST(DicomFileReaderData, EveryTransferSyntaxOfTheMrSampleDecodesToTheSamePixels) {
  MEDSIGHT_DATASET(dir, "dicom-samples/test_files");
  const Image reference = DicomFileReader::read(dir / "MR_small.dcm");
  ASSERT_EQ(reference.size(), (ImageSize{64, 64, 1, 1}));
  for (const char* name :
       {"MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm",
        "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm", "MR_small_padded.dcm"}) {
    SCOPED_TRACE(name);
    const Image other = DicomFileReader::read(dir / name);
    ASSERT_EQ(other.size(), reference.size());
    std::size_t differing = 0;
    for (std::size_t y = 0; y < 64; ++y) {
      for (std::size_t x = 0; x < 64; ++x) {
        differing += other.valueAt(x, y) != reference.valueAt(x, y);
      }
    }
    EXPECT_EQ(differing, 0u);
    EXPECT_TRUE(other.geometry().approxEqual(reference.geometry(), 1e-6));
  }
}

TEST(DicomFileReaderData, FilesWithoutPart10HeaderAreRead) {
  MEDSIGHT_DATASET(dir, "dicom-samples/test_files");
  // Raw datasets: no preamble, no "DICM", no group 0002 elements.
  const DicomHeader le = DicomFileReader::readHeader(dir / "ExplVR_LitEndNoMeta.dcm");
  EXPECT_FALSE(le.hasMetaHeader);
  EXPECT_EQ(le.sopClassUid, "1.2.840.10008.5.1.4.1.1.481.8");  // RT Ion Plan
  // no_meta.dcm has one stray byte before its first element (dcmdump rejects it too): it is
  // reported as corrupt rather than misread.
  try {
    DicomFileReader::read(dir / "no_meta.dcm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData) << e.what();
  }
  const DicomHeader be = DicomFileReader::readHeader(dir / "ExplVR_BigEndNoMeta.dcm");
  EXPECT_FALSE(be.hasMetaHeader);
  EXPECT_EQ(be.sopInstanceUid, le.sopInstanceUid);
  // A non-image object is refused with a reason, not decoded as garbage.
  try {
    DicomFileReader::read(dir / "ExplVR_LitEndNoMeta.dcm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::WrongModality) << e.what();
  }
}

TEST(DicomFileReaderData, ColourAndMultiFrameSamples) {
  MEDSIGHT_DATASET(dir, "dicom-samples/test_files");
  // SC_rgb_* are 100x100 with horizontal colour bands; the top band is red (255,0,0).
  const Image rle = DicomFileReader::read(dir / "SC_rgb_rle.dcm");
  EXPECT_EQ(rle.components(), 3);
  EXPECT_EQ(rle.valueAt(50, 2, 0, 0, 0), 255.0);
  EXPECT_EQ(rle.valueAt(50, 2, 0, 0, 1), 0.0);
  const Image rle2 = DicomFileReader::read(dir / "SC_rgb_rle_2frame.dcm");
  EXPECT_EQ(rle2.size().t, 2u);
  EXPECT_EQ(rle2.components(), 3);
  // Encoded as YBR_FULL by DCMTK (+cy): converted back to RGB within rounding.
  const Image ybr = DicomFileReader::read(dir / "SC_rgb_dcmtk_+eb+cy+np.dcm");
  EXPECT_NEAR(ybr.valueAt(50, 2, 0, 0, 0), 255.0, 3.0);
  EXPECT_NEAR(ybr.valueAt(50, 2, 0, 0, 1), 0.0, 3.0);
}

TEST(DicomFileReaderData, JpegLsNearLosslessMatchesDcmtkDecoder) {
  MEDSIGHT_DATASET(dir, "dicom-samples/test_files");
  // Reference values from `dcmdjpls` (DCMTK's own decoder) on the same files.
  const Image eight = DicomFileReader::read(dir / "JPEGLSNearLossless_08.dcm");
  EXPECT_EQ(eight.size(), (ImageSize{10, 45, 1, 1}));
  EXPECT_EQ(eight.valueAt(0, 0), 255.0);
  EXPECT_EQ(eight.valueAt(0, 10), 65.0);
  double sum = 0;
  for (std::size_t i = 0; i < eight.sampleCount(); ++i) sum += eight.valueAt(i % 10, i / 10);
  EXPECT_EQ(sum, 25000.0);
  const Image sixteen = DicomFileReader::read(dir / "JPEGLSNearLossless_16.dcm");
  EXPECT_EQ(sixteen.valueAt(0, 0), 65535.0);
  EXPECT_EQ(sixteen.valueAt(0, 10), 16385.0);
}

TEST(DicomFileReaderData, Jpeg2000ColourAndSignednessFollowTheStandard) {
  MEDSIGHT_DATASET(dir, "dicom-samples/test_files");
  // YBR_RCT codestream: the decoder undoes the colour transform. Reference pixel from
  // `gdcmconv --raw` (GDCM's decoder) of the same file.
  const Image rct = DicomFileReader::read(dir / "examples_jpeg2k.dcm");
  ASSERT_EQ(rct.size(), (ImageSize{640, 480, 1, 1}));
  ASSERT_EQ(rct.components(), 3);
  EXPECT_EQ(rct.valueAt(200, 200, 0, 0, 0), 255.0);
  EXPECT_EQ(rct.valueAt(200, 200, 0, 0, 1), 149.0);
  EXPECT_EQ(rct.valueAt(200, 200, 0, 0, 2), 0.0);
  // A JP2 file embedded instead of a bare codestream is decoded too.
  EXPECT_EQ(DicomFileReader::read(dir / "GDCMJ2K_TextGBR.dcm").size(), (ImageSize{400, 400, 1, 1}));
  // Pixel Representation 1 with an unsigned 13-bit codestream: the data set wins (PS3.5 8.2.4),
  // so padding is -2000 HU as GDCM and pydicom read it, not 6192.
  const Image ct = DicomFileReader::read(dir / "J2K_pixelrep_mismatch.dcm");
  const auto [lo, hi] = ct.minMax();
  EXPECT_EQ(lo, -2000.0);
  EXPECT_EQ(hi, 1896.0);
  EXPECT_EQ(ct.valueAt(256, 256), 27.0);
}

TEST(DicomFileReaderData, TruncatedFileGivesCorruptDataNamingTheFile) {
  MEDSIGHT_DATASET(path, "dicom-samples/test_files/MR_truncated.dcm");
  try {
    DicomFileReader::read(path);
    FAIL() << "truncated file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData) << e.what();
    EXPECT_NE(std::string(e.what()).find("MR_truncated.dcm"), std::string::npos);
  }
}

TEST(DicomFileReader, MissingFileAndNonDicomAreClearErrors) {
  try {
    DicomFileReader::read("/nonexistent/file.dcm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileNotFound);
  }
  const auto dir = test::temporaryDirectory("dicom");
  const auto text = dir / "notes.txt";
  std::ofstream(text) << "this is not a DICOM file, just some text that goes on for a while";
  try {
    DicomFileReader::read(text);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData) << e.what();
  }
}

}  // namespace medsight

#include <gtest/gtest.h>

#include <fstream>

#include "io/DicomDerivedImageWriter.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesReader.h"
#include "io/DicomUid.h"
#include "io/DisplayRenderer.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "io/RasterImageIO.h"
#include "support/TestData.h"

namespace medsight {

TEST(RasterImageIO, PngRoundTripIn8And16BitGreyAndRgb) {
  const auto dir = test::temporaryDirectory("png");
  Image grey16(PixelType::UInt16, {7, 5, 1, 1}, 2);
  grey16.setValueAt(65535, 6, 4);
  grey16.setValueAt(1234, 0, 0);
  RasterImageIO::writePng(grey16, dir / "g16.png");
  const Image back16 = RasterImageIO::read(dir / "g16.png");
  EXPECT_EQ(back16.pixelType(), PixelType::UInt16);
  EXPECT_EQ(back16.valueAt(6, 4), 65535.0);
  EXPECT_EQ(back16.valueAt(0, 0), 1234.0);  // no gamma conversion
  Image rgb(PixelType::UInt8, {3, 2, 1, 1}, 2, 3);
  rgb.setValueAt(200, 2, 1, 0, 0, 2);
  RasterImageIO::writePng(rgb, dir / "rgb.png");
  const Image backRgb = RasterImageIO::read(dir / "rgb.png");
  EXPECT_EQ(backRgb.components(), 3);
  EXPECT_EQ(backRgb.valueAt(2, 1, 0, 0, 2), 200.0);
}

TEST(RasterImageIO, JpegRoundTripIsClose) {
  const auto dir = test::temporaryDirectory("jpeg");
  Image grey(PixelType::UInt8, {16, 16, 1, 1}, 2);
  for (std::size_t y = 0; y < 16; ++y) {
    for (std::size_t x = 0; x < 16; ++x) grey.setValueAt(static_cast<double>(x * 16), x, y);
  }
  RasterImageIO::writeJpeg(grey, dir / "g.jpg", 95);
  const Image back = RasterImageIO::read(dir / "g.jpg");
  EXPECT_EQ(back.components(), 1);
  EXPECT_NEAR(back.valueAt(8, 8), 128.0, 6.0);
}

TEST(RasterImageIO, CorruptAndUnsupportedFilesAreClearErrors) {
  const auto dir = test::temporaryDirectory("raster");
  Image grey(PixelType::UInt8, {64, 64, 1, 1}, 2);
  RasterImageIO::writePng(grey, dir / "ok.png");
  std::filesystem::copy_file(dir / "ok.png", dir / "cut.png");
  std::filesystem::resize_file(dir / "cut.png", 60);
  try {
    RasterImageIO::read(dir / "cut.png");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData) << e.what();
  }
  // A JPEG cut off part-way decodes with grey where the data stop; libjpeg only warns. It is
  // refused: a model would classify the grey half as if it were the image.
  Image noise(PixelType::UInt8, {128, 128, 1, 1}, 2);
  auto px = noise.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>((i * 7919) % 251);
  RasterImageIO::writeJpeg(noise, dir / "whole.jpg", 90);
  EXPECT_NO_THROW(RasterImageIO::read(dir / "whole.jpg"));
  std::filesystem::copy_file(dir / "whole.jpg", dir / "cut.jpg");
  std::filesystem::resize_file(dir / "cut.jpg", std::filesystem::file_size(dir / "whole.jpg") / 2);
  try {
    RasterImageIO::read(dir / "cut.jpg");
    FAIL() << "a truncated JPEG was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData) << e.what();
    EXPECT_NE(std::string(e.what()).find("Premature end"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "fake.jpg") << "\xFF\xD8\xFF garbage";
  EXPECT_THROW(RasterImageIO::read(dir / "fake.jpg"), Error);
  Image volume(PixelType::UInt8, {4, 4, 2, 1}, 3);
  EXPECT_THROW(RasterImageIO::writePng(volume, dir / "v.png"), Error);
}

TEST(RasterImageIOData, BrainMriJpegsAndPngsLoad) {
  MEDSIGHT_DATASET(dir, "brain-mri/images");
  const Image jpg = ImageFileReader::read(dir / "no_000.jpg");
  const Image png = ImageFileReader::read(dir / "no_061.png");
  EXPECT_GT(jpg.size().x, 16u);
  EXPECT_GT(png.size().x, 16u);
  EXPECT_EQ(jpg.metadata().at("source.format"), "JPEG");
  EXPECT_EQ(png.metadata().at("source.format"), "PNG");
}

TEST(ImageFileReaderData, DetectsFormatsByContent) {
  MEDSIGHT_DATASET(root, "");
  EXPECT_EQ(detectImageFileFormat(root / "dicom-samples/test_files/CT_small.dcm"),
            ImageFileFormat::Dicom);
  EXPECT_EQ(detectImageFileFormat(root / "sts/nifti/STS_001/CT_image.nii.gz"),
            ImageFileFormat::Nifti);
  EXPECT_EQ(detectImageFileFormat(root / "pneumoniamnist/pneumoniamnist.npz"),
            ImageFileFormat::Npz);
  EXPECT_EQ(detectImageFileFormat(root / "sts/dicom/STS_001/CT/image"),
            ImageFileFormat::DicomFolder);
  EXPECT_EQ(detectImageFileFormat(root / "wdbc/wdbc.csv"), ImageFileFormat::Unknown);
  const Image x =
      ImageFileReader::read(root / "pneumoniamnist/pneumoniamnist.npz", {"val_images", 523});
  EXPECT_EQ(x.valueAt(27, 0), 158.0);
  try {
    ImageFileReader::read(root / "wdbc/wdbc.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UnsupportedFormat);
  }
}

TEST(DisplayWindow, LinearFunctionFollowsPs3_3) {
  // C.11.2.1.2.1 with c = 40, w = 400: below c - 0.5 - 199.5 = -160 -> 0; above 239.5 -> 1.
  const DisplayWindow w{40, 400};
  EXPECT_EQ(w.apply(-160), 0.0);
  EXPECT_EQ(w.apply(240), 1.0);
  EXPECT_NEAR(w.apply(39.5), 0.5, 1e-12);
  const DisplayWindow exact{40, 400, "LINEAR_EXACT"};
  EXPECT_NEAR(exact.apply(40), 0.5, 1e-12);
  EXPECT_EQ(exact.apply(-160), 0.0);
  EXPECT_THROW(DisplayWindow::preset("rainbow"), Error);
}

TEST(DisplayRenderer, Monochrome1IsInvertedForDisplay) {
  Image cr(PixelType::UInt16, {2, 1, 1, 1}, 2);
  cr.setValueAt(0, 0, 0);
  cr.setValueAt(1000, 1, 0);
  cr.metadata()["PhotometricInterpretation"] = "MONOCHROME1";
  const Image shown = DisplayRenderer::render(cr, DisplayWindow{500.5, 1001});
  EXPECT_EQ(shown.valueAt(0, 0), 255.0);  // low values are white in MONOCHROME1
  EXPECT_EQ(shown.valueAt(1, 0), 0.0);
}

TEST(DicomUid, GeneratedUidsAreValidAndUnique) {
  const std::string a = generateDicomUid(), b = generateDicomUid();
  EXPECT_TRUE(isValidDicomUid(a)) << a;
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("2.25."));
  EXPECT_FALSE(isValidDicomUid("1.2.03"));
  EXPECT_FALSE(isValidDicomUid("1..2"));
  EXPECT_FALSE(isValidDicomUid("1.2.a"));
}

TEST(DicomDerivedImageWriterData, DerivedCtSeriesReadsBackInTheSameStudy) {
  MEDSIGHT_DATASET(ct, "sts/dicom/STS_001/CT/image");
  const DicomScanResult scan = DicomSeriesScanner::scan(ct);
  ASSERT_EQ(scan.series.size(), 1u);
  const Image volume = DicomSeriesReader::read(scan.series.front());
  const auto out = test::temporaryDirectory("derived");
  DerivedSeriesOptions options;
  options.seriesDescription = "MedSight test copy";
  options.derivationDescription = "unit test";
  const auto files =
      DicomDerivedImageWriter::write(volume, scan.series.front().instances, out, options);
  ASSERT_EQ(files.size(), volume.size().z);
  const Image back = DicomSeriesReader::readFolder(out);
  EXPECT_TRUE(back.sameGrid(volume, 1e-3));
  EXPECT_EQ(back.valueAt(100, 100, 30), volume.valueAt(100, 100, 30));
  const DicomHeader h = DicomFileReader::readHeader(files.front());
  EXPECT_EQ(h.studyInstanceUid, scan.series.front().studyInstanceUid);
  EXPECT_NE(h.seriesInstanceUid, scan.series.front().seriesInstanceUid);
  EXPECT_EQ(h.imageType, "DERIVED\\SECONDARY");
  // DCMTK's own dump accepts the file.
  std::string stdoutText, stderrText;
  EXPECT_EQ(test::runCommand("dcmdump -q " + files.front().string(), &stdoutText, &stderrText), 0)
      << stderrText;
}

TEST(DicomDerivedImageWriterData, RgbOverlayBecomesSecondaryCapture) {
  MEDSIGHT_DATASET(ctFile, "dicom-samples/test_files/CT_small.dcm");
  const DicomHeader source = DicomFileReader::readHeader(ctFile);
  Image overlay(PixelType::UInt8, {128, 128, 1, 1}, 2, 3, DicomFileReader::read(ctFile).geometry());
  overlay.setValueAt(255, 64, 64, 0, 0, 0);
  const auto out = test::temporaryDirectory("sc");
  const auto files = DicomDerivedImageWriter::write(overlay, {source}, out);
  const Image back = DicomFileReader::read(files.front());
  EXPECT_EQ(back.components(), 3);
  EXPECT_EQ(back.valueAt(64, 64, 0, 0, 0), 255.0);
  EXPECT_EQ(back.metadata().at("SOPClassUID"), "1.2.840.10008.5.1.4.1.1.7");
}

}  // namespace medsight

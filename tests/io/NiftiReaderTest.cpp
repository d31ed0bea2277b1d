#include "io/NiftiReader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "io/NiftiWriter.h"
#include "support/TestData.h"

namespace medsight {

TEST(NiftiReaderData, SarcomaCtHasKnownGridAndQformGeometry) {
  MEDSIGHT_DATASET(path, "sts/nifti/STS_001/CT_image.nii.gz");
  const Image ct = NiftiReader::read(path);
  EXPECT_EQ(ct.size(), (ImageSize{198, 202, 59, 1}));
  EXPECT_NEAR(ct.geometry().spacing[0], 0.977, 1e-3);
  EXPECT_NEAR(ct.geometry().spacing[2], 3.27, 1e-2);

  // Header: qform_code 1, quaternion (b,c,d) = (0,0,1) i.e. 180 degrees about z, offsets
  // (23.4376, 86.9141, -881.32) in RAS+. In LPS that is the identity direction and origin
  // (-23.4376, -86.9141, -881.32).
  EXPECT_EQ(ct.geometry().orientationCode(), "LPS");
  EXPECT_NEAR(ct.geometry().direction[0], 1.0, 1e-9);
  EXPECT_NEAR(ct.geometry().direction[4], 1.0, 1e-9);
  EXPECT_NEAR(ct.geometry().origin[0], -23.4376, 1e-3);
  EXPECT_NEAR(ct.geometry().origin[1], -86.9141, 1e-3);
  EXPECT_NEAR(ct.geometry().origin[2], -881.32, 1e-2);
  EXPECT_EQ(ct.metadata().at("nifti.geometry_source"), "qform");
}

TEST(NiftiReaderData, WriteReadRoundTripKeepsValuesAndGeometry) {
  MEDSIGHT_DATASET(path, "sts/nifti/STS_001/MR_T1_image.nii.gz");
  const Image mr = NiftiReader::read(path);
  const auto dir = test::temporaryDirectory("nifti");
  for (const char* name : {"mr.nii", "mr.nii.gz"}) {
    for (auto version : {NiftiWriter::Version::Nifti1, NiftiWriter::Version::Nifti2}) {
      const auto out = dir / name;
      NiftiWriter::write(mr, out, version);
      const Image back = NiftiReader::read(out);
      EXPECT_EQ(back.metadata().at("nifti.version"),
                version == NiftiWriter::Version::Nifti2 ? "2" : "1");
      ASSERT_EQ(back.size(), mr.size());
      EXPECT_EQ(back.pixelType(), mr.pixelType());
      EXPECT_TRUE(back.geometry().approxEqual(mr.geometry(), 1e-5));
      EXPECT_EQ(0, std::memcmp(back.bytes().data(), mr.bytes().data(), mr.byteSize()));
    }
  }
}

TEST(NiftiReader, ObliqueGeometryRoundTrips) {
  ImageGeometry g;
  g.spacing = {0.8, 0.9, 2.5};
  g.origin = {-12.5, 40.25, 7.0};
  const double a = 0.4;
  g.direction = {std::cos(a), 0, std::sin(a), 0, 1, 0, -std::sin(a), 0, std::cos(a)};
  Image image(PixelType::Int16, {5, 6, 7, 1}, 3, 1, g);
  image.setValueAt(-321, 4, 5, 6);
  const auto path = test::temporaryDirectory("nifti") / "oblique.nii.gz";
  NiftiWriter::write(image, path);
  const Image back = NiftiReader::read(path);
  EXPECT_TRUE(back.geometry().approxEqual(g, 1e-5));
  EXPECT_EQ(back.valueAt(4, 5, 6), -321.0);
}

TEST(NiftiReader, RejectsGarbageAndTruncatedFiles) {
  const auto dir = test::temporaryDirectory("nifti");
  std::ofstream(dir / "garbage.nii") << std::string(400, 'x');
  EXPECT_THROW(NiftiReader::read(dir / "garbage.nii"), Error);
  Image image(PixelType::Float32, {20, 20, 20, 1}, 3);
  NiftiWriter::write(image, dir / "full.nii");
  std::filesystem::copy_file(dir / "full.nii", dir / "cut.nii");
  std::filesystem::resize_file(dir / "cut.nii", 352 + 1000);
  try {
    NiftiReader::read(dir / "cut.nii");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData) << e.what();
  }
  EXPECT_THROW(NiftiReader::read(dir / "absent.nii"), Error);
}

TEST(NiftiWriter, RefusesWrongSuffix) {
  Image image(PixelType::UInt8, {2, 2, 1, 1}, 2);
  EXPECT_THROW(NiftiWriter::write(image, test::temporaryDirectory("nifti") / "x.png"), Error);
}

}  // namespace medsight

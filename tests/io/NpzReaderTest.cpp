#include "io/NpzReader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "io/NpzWriter.h"
#include "support/TestData.h"

namespace medsight {

TEST(NpzReaderData, PneumoniaMnistMatchesNumpy) {
  MEDSIGHT_DATASET(path, "pneumoniamnist/pneumoniamnist.npz");
  const NpzReader npz(path);
  const auto names = npz.arrayNames();
  EXPECT_EQ(names.size(), 4u);
  const NpyArray train = npz.read("train_images");
  EXPECT_EQ(train.shape(), (std::vector<std::size_t>{4708, 28, 28}));
  EXPECT_EQ(train.descr(), "|u1");
  // Reference values printed by numpy.load on the same file.
  const Image first = train.image(0);
  EXPECT_EQ(first.size(), (ImageSize{28, 28, 1, 1}));
  EXPECT_EQ(first.valueAt(14, 14), 138.0);
  EXPECT_EQ(first.valueAt(0, 0), 58.0);
  double sum = 0;
  for (auto v : first.pixels<std::uint8_t>()) sum += v;
  EXPECT_EQ(sum, 73330.0);
  const NpyArray val = npz.read("val_images");
  EXPECT_EQ(val.image(523).valueAt(27, 0), 158.0);
  const auto trainLabels = npz.read("train_labels").asInt64();
  const auto valLabels = npz.read("val_labels").asInt64();
  EXPECT_EQ(std::count(trainLabels.begin(), trainLabels.end(), 1), 3494);
  EXPECT_EQ(std::count(trainLabels.begin(), trainLabels.end(), 0), 1214);
  EXPECT_EQ(std::count(valLabels.begin(), valLabels.end(), 1), 389);
  EXPECT_THROW(npz.read("test_images"), Error);
}

TEST(NpzReader, ReadsEveryDtypeLayoutAndCompression) {
  const auto dir = test::temporaryDirectory("npz");
  for (bool compress : {false, true}) {
    const auto path = dir / (compress ? "deflate.npz" : "stored.npz");
    NpzWriter writer(path, compress);
    const std::vector<float> f4{1.5f, -2.0f, 3.25f, 4.0f, 5.0f, 6.0f};
    writer.addFloat32("f4", {1, 2, 3}, f4);
    const std::vector<double> f8{0.5, 1.5};
    writer.add("f8", "<f8", {2, 1, 1}, std::as_bytes(std::span(f8)));
    const std::vector<std::int16_t> i2{-1000, 2000, -3, 4};
    writer.add("i2", "<i2", {1, 2, 2}, std::as_bytes(std::span(i2)));
    const std::vector<std::int64_t> labels{0, 1, 1};
    writer.addInt64("labels", {3, 1}, labels);
    // (N, D, H, W) volume stack
    std::vector<std::uint8_t> vol(2 * 3 * 4 * 5);
    for (std::size_t i = 0; i < vol.size(); ++i) vol[i] = static_cast<std::uint8_t>(i);
    writer.add("vol", "|u1", {2, 3, 4, 5}, std::as_bytes(std::span(vol)));
    writer.close();

    const NpzReader npz(path);
    const Image f = npz.read("f4").image(0);
    EXPECT_EQ(f.size(), (ImageSize{3, 2, 1, 1}));
    EXPECT_FLOAT_EQ(static_cast<float>(f.valueAt(2, 0)), 3.25f);
    EXPECT_EQ(npz.read("f8").valueAt(1), 1.5);
    EXPECT_EQ(npz.read("i2").image(0).valueAt(0, 0), -1000.0);
    EXPECT_EQ(npz.read("labels").asInt64(), labels);
    const Image v1 = npz.read("vol").image(1);
    EXPECT_EQ(v1.spatialDimension(), 3);
    EXPECT_EQ(v1.size(), (ImageSize{5, 4, 3, 1}));
    EXPECT_EQ(v1.valueAt(4, 3, 2), 119.0);  // last element of the second volume
  }
}

TEST(NpzReader, FortranOrderAndBigEndianAreConverted) {
  // A 2x3 int16 array [[1,2,3],[4,5,6]] stored big endian in Fortran (column-major) order.
  const std::vector<std::int16_t> columnMajor{1, 4, 2, 5, 3, 6};
  std::vector<std::byte> be(columnMajor.size() * 2);
  for (std::size_t i = 0; i < columnMajor.size(); ++i) {
    be[2 * i] = std::byte{static_cast<unsigned char>((columnMajor[i] >> 8) & 0xff)};
    be[2 * i + 1] = std::byte{static_cast<unsigned char>(columnMajor[i] & 0xff)};
  }
  const auto npy = NpzWriter::encodeNpy(">i2", {2, 3}, be, true);
  const NpyArray a = NpyArray::parse(npy, "fortran.npy");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a.valueAt(static_cast<std::size_t>(i)), i + 1.0);
}

TEST(NpzReader, HostileHeadersAreRejectedBeforeAllocation) {
  const std::vector<std::byte> none;
  auto parse = [](const std::string& header) {
    std::string npy = std::string("\x93NUMPY\x01\x00", 8);
    npy += static_cast<char>(header.size() & 0xff);
    npy += static_cast<char>(header.size() >> 8);
    npy += header;
    return NpyArray::parse(std::as_bytes(std::span(npy.data(), npy.size())), "hostile.npy");
  };
  auto codeOf = [&](const std::string& header) {
    try {
      parse(header);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::Internal;
  };
  EXPECT_EQ(codeOf("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"),
            ErrorCode::TooLarge);
  EXPECT_EQ(
      codeOf("{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551615, 2), }"),
      ErrorCode::TooLarge);
  EXPECT_EQ(codeOf("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }"),
            ErrorCode::UnsupportedFormat);
  EXPECT_EQ(codeOf("{'descr': '<f4', 'shape': (2,), }"), ErrorCode::CorruptData);
  EXPECT_EQ(codeOf("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"),
            ErrorCode::CorruptData);  // data missing
  EXPECT_EQ(codeOf("garbage"), ErrorCode::CorruptData);
}

TEST(NpzReader, NonZipAndTruncatedArchivesAreCorruptData) {
  const auto dir = test::temporaryDirectory("npz");
  std::ofstream(dir / "text.npz") << "not a zip archive";
  try {
    NpzReader r(dir / "text.npz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
  }
  NpzWriter writer(dir / "full.npz", false);
  std::vector<float> data(10000, 1.0f);
  writer.addFloat32("x", {100, 10, 10}, data);
  writer.close();
  std::filesystem::copy_file(dir / "full.npz", dir / "cut.npz");
  std::filesystem::resize_file(dir / "cut.npz", 20000);
  EXPECT_THROW(
      {
        NpzReader r(dir / "cut.npz");
        r.read("x");
      },
      Error);
}

}  // namespace medsight

#include "core/Image.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace medsight {

TEST(Image, NewImageIsZeroFilledWithRequestedShape) {
  Image image(PixelType::Int16, {4, 3, 2, 1}, 3);
  EXPECT_EQ(image.sampleCount(), 24u);
  EXPECT_EQ(image.byteSize(), 48u);
  for (auto v : image.pixels<std::int16_t>()) EXPECT_EQ(v, 0);
}

TEST(Image, RejectsInconsistentShapes) {
  EXPECT_THROW(Image(PixelType::UInt8, {4, 4, 2, 1}, 2), Error);  // 2D with z = 2
  EXPECT_THROW(Image(PixelType::UInt8, {0, 4, 1, 1}, 2), Error);
  EXPECT_THROW(Image(PixelType::UInt8, {4, 4, 1, 1}, 4), Error);
  EXPECT_THROW(Image(PixelType::UInt8, {4, 4, 1, 1}, 2, 7), Error);
}

TEST(Image, IndexingIsComponentThenXYZT) {
  Image image(PixelType::UInt8, {3, 2, 2, 2}, 3, 3);
  EXPECT_EQ(image.offset(0, 0, 0, 0, 1), 1u);
  EXPECT_EQ(image.offset(1, 0, 0, 0, 0), 3u);
  EXPECT_EQ(image.offset(0, 1, 0, 0, 0), 9u);
  EXPECT_EQ(image.offset(0, 0, 1, 0, 0), 18u);
  EXPECT_EQ(image.offset(0, 0, 0, 1, 0), 36u);
  EXPECT_THROW(image.offset(3, 0, 0, 0, 0), Error);
  EXPECT_THROW(image.offset(0, 0, 0, 0, 3), Error);
}

TEST(Image, SetValueRoundsAndClampsIntegers) {
  Image image(PixelType::UInt8, {2, 1, 1, 1}, 2);
  image.setValueAt(300.0, 0, 0);
  image.setValueAt(-4.6, 1, 0);
  EXPECT_EQ(image.valueAt(0, 0), 255.0);
  EXPECT_EQ(image.valueAt(1, 0), 0.0);
  Image signedImage(PixelType::Int16, {1, 1, 1, 1}, 2);
  signedImage.setValueAt(-1000.4, 0, 0);
  EXPECT_EQ(signedImage.valueAt(0, 0), -1000.0);
}

TEST(Image, CopyIsDeepAndKeepsGeometryModalityMetadata) {
  ImageGeometry g;
  g.spacing = {0.5, 0.6, 2.0};
  g.origin = {1, 2, 3};
  Image a(PixelType::Float32, {2, 2, 2, 1}, 3, 1, g);
  a.setModality("CT");
  a.metadata()["SeriesInstanceUID"] = "1.2.3";
  a.setValueAt(42.5, 1, 1, 1);
  Image b = a;
  b.setValueAt(7.0, 1, 1, 1);
  EXPECT_EQ(a.valueAt(1, 1, 1), 42.5);
  EXPECT_EQ(b.valueAt(1, 1, 1), 7.0);
  EXPECT_TRUE(b.geometry().approxEqual(g));
  EXPECT_EQ(b.modality(), "CT");
  EXPECT_EQ(b.metadata().at("SeriesInstanceUID"), "1.2.3");
}

TEST(Image, TypedAccessChecksPixelType) {
  Image image(PixelType::Int16, {2, 2, 1, 1}, 2);
  EXPECT_NO_THROW(image.pixels<std::int16_t>());
  try {
    image.pixels<float>();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::PixelTypeMismatch);
  }
}

TEST(Image, CastConvertsValuesAndKeepsGeometry) {
  ImageGeometry g;
  g.spacing = {0.9, 0.9, 1.0};
  Image a(PixelType::Int16, {2, 1, 1, 1}, 2, 1, g);
  a.setValueAt(-1024, 0, 0);
  a.setValueAt(3071, 1, 0);
  const Image f = a.castTo(PixelType::Float32);
  EXPECT_EQ(f.pixelType(), PixelType::Float32);
  EXPECT_FLOAT_EQ(f.pixels<float>()[0], -1024.0f);
  EXPECT_FLOAT_EQ(f.pixels<float>()[1], 3071.0f);
  EXPECT_TRUE(f.geometry().approxEqual(g));
  const Image u = a.castTo(PixelType::UInt8);
  EXPECT_EQ(u.pixels<std::uint8_t>()[0], 0);
  EXPECT_EQ(u.pixels<std::uint8_t>()[1], 255);
}

TEST(Image, MinMaxAndFrameExtraction) {
  Image cine(PixelType::UInt16, {2, 2, 1, 3}, 2);
  for (std::size_t t = 0; t < 3; ++t) cine.setValueAt(100.0 * (t + 1), 1, 1, 0, t);
  const auto [lo, hi] = cine.minMax();
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 300.0);
  const Image second = cine.frame(1);
  EXPECT_EQ(second.size().t, 1u);
  EXPECT_EQ(second.valueAt(1, 1), 200.0);
  EXPECT_THROW(cine.frame(3), Error);
}

TEST(Image, AdoptRequiresMatchingByteCount) {
  auto array = std::make_shared<std::byte[]>(8);
  std::shared_ptr<std::byte> buffer(array, array.get());
  EXPECT_THROW(Image::adopt(buffer, 8, PixelType::UInt8, {3, 3, 1, 1}, 2, 1, {}), Error);
  const Image ok = Image::adopt(buffer, 8, PixelType::UInt8, {4, 2, 1, 1}, 2, 1, {});
  EXPECT_EQ(ok.bytes().data(), buffer.get());
}

}  // namespace medsight

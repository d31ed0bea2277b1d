#include "core/TensorBridge.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace medsight {

TEST(TensorBridge, ViewIsZeroCopyInImageOrder) {
  Image image(PixelType::Float32, {4, 3, 2, 1}, 3);
  image.setValueAt(5.0, 3, 2, 1);
  const at::Tensor t = imageToTensor(image, TensorLayout::ZYX);
  EXPECT_EQ(t.data_ptr(), static_cast<void*>(image.pixels<float>().data()));
  EXPECT_EQ(t.sizes(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_FLOAT_EQ(t[1][2][3].item<float>(), 5.0f);
  // Writes through the tensor reach the image.
  t[0][0][0] = 1.5f;
  EXPECT_FLOAT_EQ(image.pixels<float>()[0], 1.5f);
}

TEST(TensorBridge, TensorOutlivesImage) {
  at::Tensor t;
  {
    Image image(PixelType::Int16, {2, 2, 1, 1}, 2);
    image.setValueAt(-7, 1, 0);
    t = imageToTensor(image, TensorLayout::YX);
  }
  EXPECT_EQ(t[0][1].item<int16_t>(), -7);
}

TEST(TensorBridge, RoundTripKeepsGeometryAndValues) {
  ImageGeometry g;
  g.spacing = {0.977, 0.977, 3.27};
  g.origin = {-50.0, 20.0, 100.0};
  g.direction = {0, 0, 1, 1, 0, 0, 0, -1, 0};
  Image image(PixelType::Float32, {5, 4, 3, 1}, 3, 1, g);
  image.setModality("PT");
  image.setValueAt(3.25, 4, 0, 2);
  const at::Tensor t = imageToTensor(image, TensorLayout::ZYX) * 2.0;  // a new tensor
  const Image back = tensorToImage(t, TensorLayout::ZYX, image.geometry(), image.modality());
  EXPECT_TRUE(back.sameGrid(image, 1e-12));
  EXPECT_EQ(back.modality(), "PT");
  EXPECT_DOUBLE_EQ(back.valueAt(4, 0, 2), 6.5);
}

TEST(TensorBridge, ChannelsFirstLayoutForRgb) {
  Image rgb(PixelType::UInt8, {3, 2, 1, 1}, 2, 3);
  rgb.setValueAt(9, 2, 1, 0, 0, 2);
  const at::Tensor chw = imageToTensor(rgb, TensorLayout::CYX);
  EXPECT_EQ(chw.sizes(), (std::vector<int64_t>{3, 2, 3}));
  EXPECT_EQ(chw[2][1][2].item<uint8_t>(), 9);
  const Image back = tensorToImage(chw, TensorLayout::CYX, rgb.geometry());
  EXPECT_EQ(back.components(), 3);
  EXPECT_EQ(back.valueAt(2, 1, 0, 0, 2), 9.0);
}

TEST(TensorBridge, ContiguousTensorIsAdoptedWithoutCopy) {
  at::Tensor t = at::arange(24, at::kFloat).view({2, 3, 4});
  const Image image = tensorToImage(t, TensorLayout::ZYX, {});
  EXPECT_EQ(static_cast<const void*>(image.bytes().data()), t.data_ptr());
  EXPECT_EQ(image.valueAt(3, 2, 1), 23.0);
}

TEST(TensorBridge, RejectsMismatchedLayoutsAndTypes) {
  Image cine(PixelType::Float32, {2, 2, 1, 3}, 2);
  EXPECT_THROW(imageToTensor(cine, TensorLayout::YX), Error);
  Image u16(PixelType::UInt16, {2, 2, 1, 1}, 2);
  EXPECT_THROW(imageToTensor(u16, TensorLayout::YX), Error);
  EXPECT_THROW(tensorToImage(at::zeros({2, 2}), TensorLayout::ZYX, {}), Error);
}

}  // namespace medsight

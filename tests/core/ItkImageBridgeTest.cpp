#include "core/ItkImageBridge.h"

#include <gtest/gtest.h>
#include <itkMedianImageFilter.h>

#include <cmath>

namespace medsight {
namespace {

ImageGeometry obliqueGeometry() {
  ImageGeometry g;
  g.spacing = {0.75, 0.8, 3.27};
  g.origin = {-101.5, 12.25, -40.0};
  const double a = 0.3;
  g.direction = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  return g;
}

}  // namespace

TEST(ItkImageBridge, ScalarViewSharesPixelsAndKeepsGeometry) {
  Image image(PixelType::Int16, {5, 4, 3, 1}, 3, 1, obliqueGeometry());
  image.setValueAt(-1000, 2, 1, 2);
  auto itkImage = toItkImage<std::int16_t, 3>(image);
  EXPECT_EQ(itkImage->GetBufferPointer(), image.pixels<std::int16_t>().data()) << "not zero-copy";
  EXPECT_EQ(itkImage->GetPixel({{2, 1, 2}}), -1000);
  EXPECT_NEAR(itkImage->GetSpacing()[2], 3.27, 1e-12);
  EXPECT_NEAR(itkImage->GetOrigin()[0], -101.5, 1e-12);
  EXPECT_NEAR(itkImage->GetDirection()[1][0], std::sin(0.3), 1e-12);
  // Physical point of a voxel agrees between ITK and medsight.
  itk::Point<double, 3> p;
  itkImage->TransformIndexToPhysicalPoint({{4, 3, 2}}, p);
  const auto q = image.geometry().indexToPhysical({4, 3, 2});
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(p[i], q[i], 1e-9);
}

TEST(ItkImageBridge, ViewOutlivesTheImage) {
  itk::Image<float, 2>::Pointer view;
  {
    Image image(PixelType::Float32, {3, 3, 1, 1}, 2);
    image.setValueAt(2.5, 1, 1);
    view = toItkImage<float, 2>(image);
  }
  EXPECT_FLOAT_EQ(view->GetPixel({{1, 1}}), 2.5f);
}

TEST(ItkImageBridge, RoundTripThroughAFilterKeepsGeometry) {
  Image image(PixelType::Float32, {8, 8, 4, 1}, 3, 1, obliqueGeometry());
  image.setModality("MR");
  image.setValueAt(100.0, 4, 4, 2);  // an impulse the median removes
  using ItkImage = itk::Image<float, 3>;
  auto filter = itk::MedianImageFilter<ItkImage, ItkImage>::New();
  filter->SetInput(toItkImage<float, 3>(image));
  filter->SetRadius(1);
  filter->Update();
  const Image out = fromItkImage<ItkImage>(filter->GetOutput());
  EXPECT_TRUE(out.sameGrid(image, 1e-9));
  EXPECT_EQ(out.valueAt(4, 4, 2), 0.0);
  EXPECT_EQ(out.size(), image.size());
}

TEST(ItkImageBridge, FromItkIsZeroCopyAndKeepsItkAlive) {
  using ItkImage = itk::Image<std::uint8_t, 2>;
  Image image;
  const std::uint8_t* itkBuffer = nullptr;
  {
    auto itkImage = ItkImage::New();
    ItkImage::RegionType region;
    region.SetSize({{6, 5}});
    itkImage->SetRegions(region);
    itkImage->Allocate(true);
    itkImage->SetPixel({{5, 4}}, 77);
    ItkImage::SpacingType spacing;
    spacing[0] = 0.143;
    spacing[1] = 0.2;
    itkImage->SetSpacing(spacing);
    itkBuffer = itkImage->GetBufferPointer();
    image = fromItkImage<ItkImage>(itkImage);
  }
  EXPECT_EQ(image.pixels<std::uint8_t>().data(), itkBuffer);
  EXPECT_EQ(image.valueAt(5, 4), 77.0);
  EXPECT_NEAR(image.geometry().spacing[0], 0.143, 1e-12);
  EXPECT_EQ(image.spatialDimension(), 2);
}

TEST(ItkImageBridge, ObliqueTwoDimensionalSliceSurvivesRoundTrip) {
  // A 2D DICOM slice lying in an oblique plane: the 2D ITK image cannot hold the z components,
  // so the bridge restores the full 3D geometry from the note it leaves in the metadata.
  ImageGeometry g;
  g.spacing = {0.5, 0.5, 1.0};
  g.origin = {10, 20, 30};
  g.direction = {1, 0, 0, 0, 0, 1, 0, -1, 0};  // coronal slice
  Image slice(PixelType::Int16, {4, 4, 1, 1}, 2, 1, g);
  slice.setModality("CT");
  const Image back = fromItkImage<itk::Image<std::int16_t, 2>>(toItkImage<std::int16_t, 2>(slice));
  EXPECT_TRUE(back.geometry().approxEqual(g, 1e-12));
  EXPECT_EQ(back.modality(), "CT");
}

TEST(ItkImageBridge, VectorImageViewForRgb) {
  Image rgb(PixelType::UInt8, {3, 2, 1, 1}, 2, 3);
  rgb.setValueAt(200, 2, 1, 0, 0, 1);
  auto v = toItkVectorImage<std::uint8_t, 2>(rgb);
  EXPECT_EQ(v->GetNumberOfComponentsPerPixel(), 3u);
  EXPECT_EQ(v->GetPixel({{2, 1}})[1], 200);
  const Image back = fromItkImage<itk::VectorImage<std::uint8_t, 2>>(v);
  EXPECT_EQ(back.components(), 3);
  EXPECT_EQ(back.valueAt(2, 1, 0, 0, 1), 200.0);
}

TEST(ItkImageBridge, TimeSeriesAsFourDimensionalImage) {
  ImageGeometry g = obliqueGeometry();
  g.frameInterval = 2.5;
  Image dynamic(PixelType::Float32, {3, 3, 2, 4}, 3, 1, g);
  dynamic.setValueAt(9.0, 1, 2, 1, 3);
  auto v = toItkImage<float, 4>(dynamic);
  EXPECT_EQ(v->GetLargestPossibleRegion().GetSize()[3], 4u);
  EXPECT_DOUBLE_EQ(v->GetSpacing()[3], 2.5);
  EXPECT_FLOAT_EQ(v->GetPixel({{1, 2, 1, 3}}), 9.0f);
  const Image back = fromItkImage<itk::Image<float, 4>>(v);
  EXPECT_EQ(back.size(), dynamic.size());
  EXPECT_TRUE(back.geometry().approxEqual(g, 1e-12));
  EXPECT_DOUBLE_EQ(back.geometry().frameInterval, 2.5);
}

TEST(ItkImageBridge, RefusesWrongPixelTypeOrDimension) {
  Image image(PixelType::Int16, {2, 2, 2, 1}, 3);
  EXPECT_THROW((toItkImage<float, 3>(image)), Error);
  EXPECT_THROW((toItkImage<std::int16_t, 2>(image)), Error);
}

}  // namespace medsight

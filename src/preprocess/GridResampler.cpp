#include "preprocess/GridResampler.h"

#include <itkBSplineInterpolateImageFunction.h>
#include <itkIdentityTransform.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <cmath>

#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "preprocess/ItkScalarFilterRunner.h"

namespace medsight {

Interpolation parseInterpolation(const std::string& name) {
  if (name == "nearest") return Interpolation::Nearest;
  if (name == "linear") return Interpolation::Linear;
  if (name == "bspline") return Interpolation::BSpline;
  throw Error(ErrorCode::InvalidArgument,
              "interpolation '" + name + "': expected nearest, linear or bspline");
}

std::string interpolationName(Interpolation interpolation) {
  switch (interpolation) {
    case Interpolation::Nearest:
      return "nearest";
    case Interpolation::Linear:
      return "linear";
    case Interpolation::BSpline:
      return "bspline";
  }
  return "linear";
}

Image GridResampler::emptyGridWithSpacing(const Image& image, std::array<double, 3> spacing) {
  const int d = image.spatialDimension();
  ImageGeometry g = image.geometry();
  std::size_t extents[3] = {image.size().x, image.size().y, image.size().z};
  std::uint64_t newExtents[3] = {image.size().x, image.size().y, image.size().z};
  std::array<double, 3> shift{0, 0, 0};  // in index units of the old grid, per axis, in mm
  for (int i = 0; i < d; ++i) {
    const double s = spacing[i] > 0 ? spacing[i] : g.spacing[i];
    const double fov = static_cast<double>(extents[i]) * g.spacing[i];
    // Checked before the cast: 1e-300 mm gives more voxels than a 64-bit count holds.
    newExtents[i] = MemoryBudget::checkedExtent(
        "resampled grid (spacing " + std::to_string(s) + " mm, axis " + std::to_string(i) + ")",
        std::max(1.0, std::round(fov / s)));
    // Keep the outer edge of the first voxel where it was.
    shift[i] = (s - g.spacing[i]) / 2.0;
    g.spacing[i] = s;
  }
  MemoryBudget::checkedBytes("resampled grid", 4, {newExtents[0], newExtents[1], newExtents[2]});
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < d; ++i) g.origin[r] += image.geometry().direction[r * 3 + i] * shift[i];
  }
  ImageSize size{newExtents[0], newExtents[1], d == 3 ? newExtents[2] : 1, 1};
  return Image(PixelType::UInt8, size, d, 1, g);
}

Image GridResampler::toSpacing(const Image& image, std::array<double, 3> spacing,
                               Interpolation interpolation) {
  return onto(image, emptyGridWithSpacing(image, spacing), interpolation);
}

Image GridResampler::onto(const Image& image, const Image& reference, Interpolation interpolation,
                          double outsideValue) {
  itk_runner::requireScalarVolume(image, "resample");
  if (image.spatialDimension() != reference.spatialDimension()) {
    throw Error(ErrorCode::GeometryMismatch,
                "resample: a " + std::to_string(image.spatialDimension()) +
                    "D image cannot be resampled onto a " +
                    std::to_string(reference.spatialDimension()) + "D grid");
  }
  // Reference pixels are never read: a 1-voxel Float32 stand-in carries the geometry for ITK.
  Image refGeometry(PixelType::Float32, {1, 1, 1, 1}, reference.spatialDimension(), 1,
                    reference.geometry());
  Image out = itk_runner::filterFloat(image, "resample", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    constexpr unsigned D = T::ImageDimension;
    auto ref = toItkImage<float, D>(refGeometry);
    auto filter = itk::ResampleImageFilter<T, T, double>::New();
    filter->SetInput(in);
    filter->SetTransform(itk::IdentityTransform<double, D>::New());
    filter->SetOutputOrigin(ref->GetOrigin());
    filter->SetOutputSpacing(ref->GetSpacing());
    filter->SetOutputDirection(ref->GetDirection());
    typename T::SizeType size;
    const std::size_t extents[3] = {reference.size().x, reference.size().y, reference.size().z};
    for (unsigned i = 0; i < D; ++i) size[i] = extents[i];
    filter->SetSize(size);
    filter->SetDefaultPixelValue(static_cast<float>(outsideValue));
    if (interpolation == Interpolation::Nearest) {
      filter->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<T, double>::New());
    } else if (interpolation == Interpolation::BSpline) {
      filter->SetInterpolator(itk::BSplineInterpolateImageFunction<T, double, double>::New());
    } else {
      filter->SetInterpolator(itk::LinearInterpolateImageFunction<T, double>::New());
    }
    filter->Update();
    typename T::Pointer result = filter->GetOutput();
    return result;
  });
  out.geometry() = reference.geometry();  // exact, including a 2D slice's 3D placement
  if (interpolation == Interpolation::Nearest && image.pixelType() != PixelType::Float32) {
    out = out.castTo(image.pixelType());
  }
  return out;
}

}  // namespace medsight

#include "registration/SpatialTransform.h"

#include <itkBSplineInterpolateImageFunction.h>
#include <itkBSplineTransform.h>
#include <itkEuler3DTransform.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>
#include <itkTransformFactory.h>
#include <itkTransformFileWriter.h>
#include <itkTxtTransformIO.h>
#include <itkTxtTransformIOFactory.h>

#include <mutex>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "preprocess/ItkLogWindow.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "registration/ItkTransformChain.h"

namespace medsight {
namespace {

// The build does not use ITK's generated IO factory registration, so the text transform IO and
// the transform types read from files are registered here once.
void registerTransformIo() {
  ItkLogWindow::install();
  static std::once_flag once;
  std::call_once(once, [] {
    itk::TxtTransformIOFactory::RegisterOneFactory();
    itk::TransformFactoryBase::RegisterDefaultTransforms();
    itk::TransformFactory<itk::BSplineTransform<double, 3, 3>>::RegisterTransform();
    itk::TransformFactory<itk::CompositeTransform<double, 3>>::RegisterTransform();
  });
}

}  // namespace

SpatialTransform::SpatialTransform() : impl_(std::make_unique<Impl>()) {}
SpatialTransform::~SpatialTransform() = default;
SpatialTransform::SpatialTransform(SpatialTransform&&) noexcept = default;
SpatialTransform& SpatialTransform::operator=(SpatialTransform&&) noexcept = default;

SpatialTransform::SpatialTransform(const SpatialTransform& other)
    : impl_(std::make_unique<Impl>()) {
  impl_->chain = dynamic_cast<Impl::Composite*>(other.impl_->chain->Clone().GetPointer());
}

SpatialTransform& SpatialTransform::operator=(const SpatialTransform& other) {
  if (this != &other) {
    impl_->chain = dynamic_cast<Impl::Composite*>(other.impl_->chain->Clone().GetPointer());
  }
  return *this;
}

SpatialTransform SpatialTransform::rigid(std::array<double, 3> rotation,
                                         std::array<double, 3> translation,
                                         std::array<double, 3> centre) {
  auto euler = itk::Euler3DTransform<double>::New();
  itk::Point<double, 3> c;
  itk::Vector<double, 3> t;
  for (int i = 0; i < 3; ++i) c[i] = centre[i], t[i] = translation[i];
  euler->SetCenter(c);
  euler->SetRotation(rotation[0], rotation[1], rotation[2]);
  euler->SetTranslation(t);
  SpatialTransform out;
  out.impl_->chain->AddTransform(euler);
  return out;
}

SpatialTransform SpatialTransform::read(const std::filesystem::path& path) {
  registerTransformIo();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": transform file not found");
  }
  // The text IO is used directly rather than through TransformFileReader, whose factory
  // recognises only the lower-case endings: "R.TFM", written by `register --out-transform`,
  // must read back.
  auto io = itk::TxtTransformIO::New();
  io->SetFileName(path.string());
  try {
    io->Read();
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::CorruptData,
                path.string() + ": not a readable ITK transform file: " + e.GetDescription());
  }
  SpatialTransform out;
  // A composite file lists a CompositeTransform header followed by its parts, in the order they
  // apply; the header itself carries no parameters.
  for (const auto& t : io->GetTransformList()) {
    if (dynamic_cast<Impl::Composite*>(t.GetPointer())) continue;
    auto* three = dynamic_cast<itk::Transform<double, 3, 3>*>(t.GetPointer());
    if (!three) throw Error(ErrorCode::CorruptData, path.string() + ": not a 3D transform");
    out.impl_->chain->AddTransform(three);
  }
  if (out.impl_->chain->GetNumberOfTransforms() == 0) {
    throw Error(ErrorCode::CorruptData, path.string() + ": the file holds no transform");
  }
  return out;
}

void SpatialTransform::write(const std::filesystem::path& path) const {
  registerTransformIo();
  AtomicFile::writeWith(path, [&](const std::filesystem::path& tmp) {
    auto writer = itk::TransformFileWriterTemplate<double>::New();
    writer->SetFileName(tmp.string());
    writer->SetInput(impl_->chain);
    try {
      writer->Update();
    } catch (const itk::ExceptionObject& e) {
      throw Error(ErrorCode::FileWriteFailed,
                  path.string() + ": cannot write the transform: " + e.GetDescription());
    }
  });
}

std::array<double, 3> SpatialTransform::apply(const std::array<double, 3>& point) const {
  itk::Point<double, 3> p;
  for (int i = 0; i < 3; ++i) p[i] = point[i];
  const auto q = impl_->chain->TransformPoint(p);
  return {q[0], q[1], q[2]};
}

std::size_t SpatialTransform::stages() const {
  return impl_->chain->GetNumberOfTransforms();
}

std::string SpatialTransform::describe() const {
  std::string s;
  for (unsigned i = 0; i < impl_->chain->GetNumberOfTransforms(); ++i) {
    s += std::string(s.empty() ? "" : " + ") + impl_->chain->GetNthTransform(i)->GetNameOfClass();
  }
  return s.empty() ? "identity" : s;
}

Image SpatialTransform::resample(const Image& moving, const Image& fixedGrid,
                                 Interpolation interpolation, double outsideValue) const {
  ItkLogWindow::install();
  if (moving.spatialDimension() != 3 || fixedGrid.spatialDimension() != 3) {
    throw Error(ErrorCode::InvalidArgument, "transform: resampling needs 3D images");
  }
  itk_runner::requireScalarVolume(moving, "resample through transform");
  const Image grid(PixelType::Float32, {1, 1, 1, 1}, 3, 1, fixedGrid.geometry());
  const Image input = itk_runner::asFloat32(moving);
  using T = itk::Image<float, 3>;
  auto in = toItkImage<float, 3>(input);
  auto ref = toItkImage<float, 3>(grid);
  auto f = itk::ResampleImageFilter<T, T, double>::New();
  f->SetInput(in);
  f->SetTransform(impl_->chain);
  f->SetOutputOrigin(ref->GetOrigin());
  f->SetOutputSpacing(ref->GetSpacing());
  f->SetOutputDirection(ref->GetDirection());
  T::SizeType size;
  size[0] = fixedGrid.size().x;
  size[1] = fixedGrid.size().y;
  size[2] = fixedGrid.size().z;
  f->SetSize(size);
  f->SetDefaultPixelValue(static_cast<float>(outsideValue));
  if (interpolation == Interpolation::Nearest) {
    f->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<T, double>::New());
  } else if (interpolation == Interpolation::BSpline) {
    f->SetInterpolator(itk::BSplineInterpolateImageFunction<T, double, double>::New());
  } else {
    f->SetInterpolator(itk::LinearInterpolateImageFunction<T, double>::New());
  }
  try {
    f->Update();
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::InvalidArgument,
                std::string("resample through transform: ITK failed: ") + e.GetDescription());
  }
  T::Pointer result = f->GetOutput();
  Image out = fromItkImage<T>(result, 3);
  out.setModality(moving.modality());
  out.geometry() = fixedGrid.geometry();
  if (interpolation == Interpolation::Nearest && moving.pixelType() != PixelType::Float32) {
    out = out.castTo(moving.pixelType());
  }
  return out;
}

}  // namespace medsight

#include "registration/SpatialTransform.h"

#include <itkBSplineInterpolateImageFunction.h>
#include <itkBSplineTransform.h>
#include <itkEuler3DTransform.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkMatrixOffsetTransformBase.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>
#include <itkTransformFactory.h>
#include <itkTransformFileWriter.h>
#include <itkTxtTransformIO.h>
#include <itkTxtTransformIOFactory.h>
#include <vnl/algo/vnl_determinant.h>

#include <spdlog/spdlog.h>

#include <itkBSplineKernelFunction.h>
#include <itkMath.h>
#include <itkMultiThreaderBase.h>

#include <cmath>
#include <mutex>
#include <optional>
#include <vector>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/ParallelFor.h"
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

using FloatImage = itk::Image<float, 3>;
using BSpline = itk::BSplineTransform<double, 3, 3>;

/// Where a cubic B-spline's 4 control points along one axis start for each voxel of a fixed-grid
/// axis, their weights, and whether the voxel lies where the transform deforms.
struct AxisSupport {
  std::vector<itk::IndexValueType> start;
  std::vector<std::array<double, 4>> weights;
  std::vector<char> valid;
};

/// Continuous control-grid index c = c0 + step * i along one axis, with ITK's BSplineTransform
/// rules (InsideValidRegion, BSplineInterpolationWeightFunction): deformed only for
/// 1 <= c < gridSize - 2, support starting at floor(c - 1).
AxisSupport axisSupport(double c0, double step, std::size_t voxels, std::size_t gridSize) {
  auto kernel = itk::BSplineKernelFunction<3, double>::New();
  AxisSupport a;
  a.start.resize(voxels);
  a.weights.resize(voxels);
  a.valid.resize(voxels);
  const double minLimit = 1.0, maxLimit = static_cast<double>(gridSize) - 2.0;
  for (std::size_t i = 0; i < voxels; ++i) {
    double c = c0 + step * static_cast<double>(i);
    if (itk::Math::FloatAlmostEqual(c, maxLimit, 4)) c = itk::Math::FloatAddULP(maxLimit, -6);
    a.valid[i] = c >= minLimit && c < maxLimit;
    if (!a.valid[i]) continue;
    a.start[i] = itk::Math::Floor<itk::IndexValueType>(c - 1.0);
    double x = c - static_cast<double>(a.start[i]);
    for (int k = 0; k < 4; ++k, x -= 1.0) a.weights[i][k] = kernel->Evaluate(x);
  }
  return a;
}

/// Resamples through linear transforms applied after a cubic B-spline (what `register
/// --transform bspline` writes), when the B-spline's control grid has the fixed grid's
/// directions. ITK's ResampleImageFilter evaluates such a chain point by point, 64 control points
/// through image iterators each (25 s for a 58-million-voxel CT on 2 threads); along a row of the
/// fixed grid the weights across rows and slices are constant, so the control points are first
/// summed over those (de Boor's separable evaluation) and each voxel then needs 4 per axis.
/// Returns nothing when the chain or the grid does not fit; the caller then uses ITK's filter.
std::optional<Image> resampleSeparably(const SpatialTransform::Impl::Composite* chain,
                                       FloatImage* moving, const Image& fixedGrid,
                                       itk::InterpolateImageFunction<FloatImage, double>* interp,
                                       float outside) {
  const unsigned n = chain->GetNumberOfTransforms();
  if (n == 0) return std::nullopt;
  // ITK applies a composite's last transform first.
  const auto* bspline = dynamic_cast<const BSpline*>(chain->GetNthTransformConstPointer(n - 1));
  if (!bspline || !bspline->GetCoefficientImages()[0]->GetBufferPointer()) return std::nullopt;
  auto linear = SpatialTransform::Impl::Composite::New();
  for (unsigned i = 0; i + 1 < n; ++i) {
    if (!chain->GetNthTransformConstPointer(i)->IsLinear()) return std::nullopt;
    linear->AddTransform(
        const_cast<itk::Transform<double, 3, 3>*>(chain->GetNthTransformConstPointer(i)));
  }
  const auto& coefficients = bspline->GetCoefficientImages();
  const auto* grid = coefficients[0].GetPointer();
  const ImageGeometry& g = fixedGrid.geometry();
  // Fixed voxel i maps to control-grid index c = G^-1 (o_fixed + F s i - o_grid) / s_grid, with
  // G and F the grid's and the fixed grid's directions. Separable when P = G^-1 F is diagonal:
  // the same axes, each possibly reversed (ITK's initializer points the grid's axes along +x,
  // +y, +z, so a NIfTI image with flipped axes gives -1 there).
  const auto inverse = grid->GetInverseDirection();
  std::array<double, 3> axisSign{};
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      double p = 0;
      for (int r = 0; r < 3; ++r) p += inverse(a, r) * g.direction[r * 3 + b];
      if (a == b) {
        if (!(std::abs(std::abs(p) - 1.0) < 1e-6)) return std::nullopt;
        axisSign[a] = p > 0 ? 1.0 : -1.0;
      } else if (std::abs(p) > 1e-6) {
        return std::nullopt;
      }
    }
  }
  const auto gridSize = grid->GetLargestPossibleRegion().GetSize();
  const std::array<std::size_t, 3> size{fixedGrid.size().x, fixedGrid.size().y, fixedGrid.size().z};
  std::array<AxisSupport, 3> axes;
  for (int a = 0; a < 3; ++a) {
    double projected = 0;
    for (int r = 0; r < 3; ++r) projected += inverse(a, r) * (g.origin[r] - grid->GetOrigin()[r]);
    axes[a] = axisSupport(projected / grid->GetSpacing()[a],
                          axisSign[a] * g.spacing[a] / grid->GetSpacing()[a], size[a], gridSize[a]);
  }
  // The linear part as one matrix and offset, and the fixed grid's index-to-point steps.
  itk::Point<double, 3> zero;
  zero.Fill(0);
  const auto offset = linear->TransformPoint(zero);
  std::array<std::array<double, 3>, 3> matrix{};
  for (int c = 0; c < 3; ++c) {
    auto e = zero;
    e[c] = 1;
    const auto m = linear->TransformPoint(e);
    for (int r = 0; r < 3; ++r) matrix[r][c] = m[r] - offset[r];
  }
  std::array<std::array<double, 3>, 3> step{};  // step[a] = D column a * spacing a
  for (int a = 0; a < 3; ++a)
    for (int r = 0; r < 3; ++r) step[a][r] = g.direction[r * 3 + a] * g.spacing[a];

  Image out(PixelType::Float32, {size[0], size[1], size[2], 1}, 3, 1, g);
  float* result = out.pixels<float>().data();
  const double* c3[3] = {coefficients[0]->GetBufferPointer(), coefficients[1]->GetBufferPointer(),
                         coefficients[2]->GetBufferPointer()};
  const std::size_t gx = gridSize[0], gxy = gridSize[0] * gridSize[1];
  const int threads = static_cast<int>(itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads());
  parallelFor(size[2], threads, [&](std::size_t z) {
    std::vector<double> row(3 * gx);  // control points summed over the row's slice and line
    for (std::size_t y = 0; y < size[1]; ++y) {
      const bool rowDeformed = axes[2].valid[z] && axes[1].valid[y];
      if (rowDeformed) {
        std::fill(row.begin(), row.end(), 0.0);
        for (int k = 0; k < 4; ++k) {
          for (int j = 0; j < 4; ++j) {
            const double w = axes[2].weights[z][k] * axes[1].weights[y][j];
            const std::size_t base = static_cast<std::size_t>(axes[2].start[z] + k) * gxy +
                                     static_cast<std::size_t>(axes[1].start[y] + j) * gx;
            for (int d = 0; d < 3; ++d)
              for (std::size_t i = 0; i < gx; ++i) row[d * gx + i] += w * c3[d][base + i];
          }
        }
      }
      float* line = result + (z * size[1] + y) * size[0];
      std::array<double, 3> rowOrigin{};
      for (int r = 0; r < 3; ++r) {
        rowOrigin[r] =
            g.origin[r] + step[1][r] * static_cast<double>(y) + step[2][r] * static_cast<double>(z);
      }
      for (std::size_t x = 0; x < size[0]; ++x) {
        itk::Point<double, 3> p;
        for (int r = 0; r < 3; ++r) p[r] = rowOrigin[r] + step[0][r] * static_cast<double>(x);
        if (rowDeformed && axes[0].valid[x]) {
          const auto s0 = static_cast<std::size_t>(axes[0].start[x]);
          const auto& w = axes[0].weights[x];
          for (int d = 0; d < 3; ++d) {
            const double* r = row.data() + d * gx + s0;
            p[d] += w[0] * r[0] + w[1] * r[1] + w[2] * r[2] + w[3] * r[3];
          }
        }
        itk::Point<double, 3> q;
        for (int r = 0; r < 3; ++r) {
          q[r] = offset[r] + matrix[r][0] * p[0] + matrix[r][1] * p[1] + matrix[r][2] * p[2];
        }
        itk::ContinuousIndex<double, 3> c;
        moving->TransformPhysicalPointToContinuousIndex(q, c);
        line[x] = interp->IsInsideBuffer(c)
                      ? static_cast<float>(interp->EvaluateAtContinuousIndex(c))
                      : outside;
      }
    }
  });
  return out;
}

}  // namespace

SpatialTransform::SpatialTransform() : impl_(std::make_unique<Impl>()) {}
SpatialTransform::~SpatialTransform() = default;
SpatialTransform::SpatialTransform(SpatialTransform&&) noexcept = default;
SpatialTransform& SpatialTransform::operator=(SpatialTransform&&) noexcept = default;

SpatialTransform::SpatialTransform(const SpatialTransform& other)
    : impl_(std::make_unique<Impl>()) {
  *this = other;
}

SpatialTransform& SpatialTransform::operator=(const SpatialTransform& other) {
  if (this != &other) {
    impl_->chain = dynamic_cast<Impl::Composite*>(other.impl_->chain->Clone().GetPointer());
    impl_->separableBSpline = other.impl_->separableBSpline;
    impl_->lastResampleWasSeparable.store(other.impl_->lastResampleWasSeparable.load());
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
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::FileUnreadable, path.string() + ": is a folder, not a transform file");
  }
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
    const auto& parameters = three->GetParameters();
    for (unsigned i = 0; i < parameters.GetSize(); ++i) {
      if (!std::isfinite(parameters[i])) {
        throw Error(ErrorCode::CorruptData, path.string() + ": " + three->GetNameOfClass() +
                                                " parameter " + std::to_string(i) +
                                                " is not a finite number");
      }
    }
    // A linear part with a (near) zero determinant maps the whole volume onto a plane, a line
    // or a point: resampling through it gives one value everywhere, not an image.
    if (const auto* linear =
            dynamic_cast<const itk::MatrixOffsetTransformBase<double, 3, 3>*>(three)) {
      const double det = vnl_determinant(linear->GetMatrix().GetVnlMatrix());
      if (!(std::abs(det) > 1e-6)) {
        throw Error(ErrorCode::CorruptData,
                    path.string() + ": " + three->GetNameOfClass() +
                        " is singular (matrix determinant " + std::to_string(det) +
                        "): it collapses the volume onto a plane, line or point");
      }
    }
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
  itk::InterpolateImageFunction<T, double>::Pointer interpolator;
  if (interpolation == Interpolation::Nearest) {
    interpolator = itk::NearestNeighborInterpolateImageFunction<T, double>::New();
  } else if (interpolation == Interpolation::BSpline) {
    interpolator = itk::BSplineInterpolateImageFunction<T, double, double>::New();
  } else {
    interpolator = itk::LinearInterpolateImageFunction<T, double>::New();
  }
  f->SetInterpolator(interpolator);
  std::optional<Image> separable;
  try {
    if (impl_->separableBSpline) {
      interpolator->SetInputImage(in);
      separable = resampleSeparably(impl_->chain, in, fixedGrid, interpolator,
                                    static_cast<float>(outsideValue));
    }
    if (!separable) {
      // ITK resamples a linear chain row by row itself; only a deformation goes point by point.
      if (!impl_->chain->IsLinear()) {
        spdlog::debug("resample through transform: ITK's per-point path ({})", describe());
      }
      f->Update();
    }
    impl_->lastResampleWasSeparable.store(separable.has_value());
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::InvalidArgument,
                std::string("resample through transform: ITK failed: ") + e.GetDescription());
  }
  Image out = separable ? std::move(*separable) : fromItkImage<T>(f->GetOutput(), 3);
  out.setModality(moving.modality());
  out.geometry() = fixedGrid.geometry();
  if (interpolation == Interpolation::Nearest && moving.pixelType() != PixelType::Float32) {
    out = out.castTo(moving.pixelType());
  }
  return out;
}

}  // namespace medsight

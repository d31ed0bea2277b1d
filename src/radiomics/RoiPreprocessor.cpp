#include "radiomics/RoiPreprocessor.h"

#include <itkBSplineInterpolateImageFunction.h>
#include <itkImage.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborExtrapolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/Error.h"
#include "core/MemoryBudget.h"

namespace medsight {
namespace {

using Index3 = std::array<std::ptrdiff_t, 3>;

/// Margin kept around the ROI: the IBSI local-intensity sphere has a radius of 6.2 mm.
constexpr double kMarginMm = 10.0;

struct Box {
  Index3 lo{0, 0, 0}, hi{-1, -1, -1};  // inclusive voxel index bounds
};

std::string describeGrid(const Image& im) {
  std::ostringstream s;
  s.precision(6);
  const auto& g = im.geometry();
  s << im.size().x << "x" << im.size().y << "x" << im.size().z << " voxels, spacing "
    << g.spacing[0] << "x" << g.spacing[1] << "x" << g.spacing[2] << " mm, origin (" << g.origin[0]
    << ", " << g.origin[1] << ", " << g.origin[2] << ")";
  return s.str();
}

/// Axis-aligned physical bounding box of the voxel extents (corners at index -0.5 and n-0.5).
std::pair<std::array<double, 3>, std::array<double, 3>> physicalExtent(const Image& im) {
  std::array<double, 3> lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
  const double n[3] = {double(im.size().x), double(im.size().y), double(im.size().z)};
  for (int c = 0; c < 8; ++c) {
    const std::array<double, 3> idx{(c & 1) ? n[0] - 0.5 : -0.5, (c & 2) ? n[1] - 0.5 : -0.5,
                                    (c & 4) ? n[2] - 0.5 : -0.5};
    const auto p = im.geometry().indexToPhysical(idx);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], p[a]);
      hi[a] = std::max(hi[a], p[a]);
    }
  }
  return {lo, hi};
}

void checkInputs(const Image& image, const Image& mask, const std::string& imageName,
                 const std::string& maskName) {
  for (const auto* im : {&image, &mask}) {
    const std::string& name = im == &image ? imageName : maskName;
    if (im->empty()) throw Error(ErrorCode::EmptyInput, name + ": image has no voxels");
    if (im->components() != 1) {
      throw Error(ErrorCode::PixelTypeMismatch, name + ": radiomics needs a scalar image, got " +
                                                    std::to_string(im->components()) +
                                                    " components per voxel");
    }
    if (im->size().t != 1) {
      throw Error(ErrorCode::WrongModality, name + ": radiomics needs one 2D or 3D volume, got " +
                                                std::to_string(im->size().t) + " frames");
    }
  }
  const auto [ilo, ihi] = physicalExtent(image);
  const auto [mlo, mhi] = physicalExtent(mask);
  for (int a = 0; a < 3; ++a) {
    if (mhi[a] <= ilo[a] + 1e-6 || mlo[a] >= ihi[a] - 1e-6) {
      throw Error(ErrorCode::GeometryMismatch, maskName + ": mask does not overlap image " +
                                                   imageName + " (mask " + describeGrid(mask) +
                                                   "; image " + describeGrid(image) + ")");
    }
  }
  if (!image.sameGrid(mask, 1e-3)) {
    throw Error(ErrorCode::GeometryMismatch, maskName + ": mask is not on the grid of image " +
                                                 imageName + " (mask " + describeGrid(mask) +
                                                 "; image " + describeGrid(image) +
                                                 "); resample it to the image grid first");
  }
}

/// Reads the ROI of the mask and its bounding box.
std::vector<std::uint8_t> readRoi(const Image& mask, const RadiomicsSettings& settings, Box* box,
                                  const std::string& maskName) {
  const auto& s = mask.size();
  std::vector<std::uint8_t> roi(s.x * s.y * s.z, 0);
  box->lo = {PTRDIFF_MAX, PTRDIFF_MAX, PTRDIFF_MAX};
  box->hi = {-1, -1, -1};
  std::size_t count = 0;
  for (std::size_t z = 0; z < s.z; ++z) {
    for (std::size_t y = 0; y < s.y; ++y) {
      for (std::size_t x = 0; x < s.x; ++x) {
        const double v = mask.valueAt(x, y, z);
        const bool in = settings.maskLabel ? v == *settings.maskLabel : (v != 0 && !std::isnan(v));
        if (!in) continue;
        roi[x + s.x * (y + s.y * z)] = 1;
        ++count;
        const Index3 p{std::ptrdiff_t(x), std::ptrdiff_t(y), std::ptrdiff_t(z)};
        for (int a = 0; a < 3; ++a) {
          box->lo[a] = std::min(box->lo[a], p[a]);
          box->hi[a] = std::max(box->hi[a], p[a]);
        }
      }
    }
  }
  if (count == 0) {
    throw Error(ErrorCode::EmptyInput,
                maskName + ": mask has no ROI voxels" +
                    (settings.maskLabel ? " with label " + std::to_string(*settings.maskLabel)
                                        : std::string(" (all zero)")));
  }
  return roi;
}

Box grow(const Box& b, const std::array<std::ptrdiff_t, 3>& margin, const Index3& limit) {
  Box out;
  for (int a = 0; a < 3; ++a) {
    out.lo[a] = std::max<std::ptrdiff_t>(0, b.lo[a] - margin[a]);
    out.hi[a] = std::min<std::ptrdiff_t>(limit[a] - 1, b.hi[a] + margin[a]);
  }
  return out;
}

using ItkImage = itk::Image<double, 3>;

ItkImage::Pointer makeItkCrop(const Image& source, const Box& box, bool binary,
                              const std::vector<std::uint8_t>* roi) {
  auto out = ItkImage::New();
  ItkImage::RegionType region;
  ItkImage::SizeType size;
  for (int a = 0; a < 3; ++a) size[a] = static_cast<std::size_t>(box.hi[a] - box.lo[a] + 1);
  region.SetSize(size);
  out->SetRegions(region);
  const auto& g = source.geometry();
  ItkImage::SpacingType spacing;
  ItkImage::DirectionType direction;
  for (int r = 0; r < 3; ++r) {
    spacing[r] = g.spacing[r];
    for (int c = 0; c < 3; ++c) direction[r][c] = g.direction[r * 3 + c];
  }
  const auto origin = g.indexToPhysical({double(box.lo[0]), double(box.lo[1]), double(box.lo[2])});
  ItkImage::PointType itkOrigin;
  for (int a = 0; a < 3; ++a) itkOrigin[a] = origin[a];
  out->SetSpacing(spacing);
  out->SetDirection(direction);
  out->SetOrigin(itkOrigin);
  out->Allocate();
  double* buffer = out->GetBufferPointer();
  const std::size_t nx = size[0], ny = size[1];
  const std::size_t sx = source.size().x, sy = source.size().y;
  for (std::ptrdiff_t z = box.lo[2]; z <= box.hi[2]; ++z) {
    for (std::ptrdiff_t y = box.lo[1]; y <= box.hi[1]; ++y) {
      for (std::ptrdiff_t x = box.lo[0]; x <= box.hi[0]; ++x) {
        const std::size_t dst = std::size_t(x - box.lo[0]) +
                                nx * (std::size_t(y - box.lo[1]) + ny * std::size_t(z - box.lo[2]));
        buffer[dst] =
            binary ? double((*roi)[std::size_t(x) + sx * (std::size_t(y) + sy * std::size_t(z))])
                   : source.valueAt(std::size_t(x), std::size_t(y), std::size_t(z));
      }
    }
  }
  return out;
}

/// Resamples `input` onto the output grid (origin, spacing, size; direction of the input).
ItkImage::Pointer resample(const ItkImage::Pointer& input, const ItkImage::PointType& origin,
                           const ItkImage::SpacingType& spacing, const ItkImage::SizeType& size,
                           ImageInterpolator interpolator, bool isMask) {
  using Filter = itk::ResampleImageFilter<ItkImage, ItkImage>;
  auto filter = Filter::New();
  filter->SetInput(input);
  filter->SetOutputOrigin(origin);
  filter->SetOutputSpacing(spacing);
  filter->SetOutputDirection(input->GetDirection());
  filter->SetSize(size);
  filter->SetDefaultPixelValue(0.0);
  if (isMask || interpolator == ImageInterpolator::Linear) {
    filter->SetInterpolator(itk::LinearInterpolateImageFunction<ItkImage, double>::New());
  } else if (interpolator == ImageInterpolator::CubicBSpline) {
    auto bspline = itk::BSplineInterpolateImageFunction<ItkImage, double, double>::New();
    bspline->SetSplineOrder(3);
    filter->SetInterpolator(bspline);
  } else {
    filter->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<ItkImage, double>::New());
  }
  // Grid-aligned IBSI grids can reach up to half a new voxel past the outermost original voxel
  // centre; intensities there take the nearest original value (as MIRP does), masks are 0.
  if (!isMask) {
    filter->SetExtrapolator(itk::NearestNeighborExtrapolateImageFunction<ItkImage, double>::New());
  }
  filter->Update();
  return filter->GetOutput();
}

}  // namespace

RoiVolume RoiPreprocessor::prepare(const Image& image, const Image& mask,
                                   const RadiomicsSettings& settings, const std::string& imageName,
                                   const std::string& maskName) {
  checkInputs(image, mask, imageName, maskName);
  Box roiBox;
  const std::vector<std::uint8_t> roi = readRoi(mask, settings, &roiBox, maskName);
  const auto& g = image.geometry();
  const Index3 limit{std::ptrdiff_t(image.size().x), std::ptrdiff_t(image.size().y),
                     std::ptrdiff_t(image.size().z)};

  RoiVolume out;
  std::vector<double> roiFraction;  // interpolated ROI in [0, 1]
  if (!settings.interpolate) {
    std::array<std::ptrdiff_t, 3> margin{};
    for (int a = 0; a < 3; ++a) margin[a] = std::ptrdiff_t(std::ceil(kMarginMm / g.spacing[a]));
    const Box crop = grow(roiBox, margin, limit);
    for (int a = 0; a < 3; ++a) out.size[a] = std::size_t(crop.hi[a] - crop.lo[a] + 1);
    out.spacing = g.spacing;
    out.intensity.resize(out.voxelCount());
    roiFraction.resize(out.voxelCount());
    for (std::size_t z = 0; z < out.size[2]; ++z) {
      for (std::size_t y = 0; y < out.size[1]; ++y) {
        for (std::size_t x = 0; x < out.size[0]; ++x) {
          const std::size_t sx = x + crop.lo[0], sy = y + crop.lo[1], sz = z + crop.lo[2];
          out.intensity[out.index(x, y, z)] = image.valueAt(sx, sy, sz);
          roiFraction[out.index(x, y, z)] = roi[sx + image.size().x * (sy + image.size().y * sz)];
        }
      }
    }
  } else {
    // IBSI 2.4 grid alignment: the new grid has n_b = ceil(n_a s_a / s_b) voxels and its
    // centre coincides with the centre of the original grid.
    std::array<double, 3> newSpacing = settings.spacing;
    if (settings.inPlaneOnly || image.spatialDimension() == 2) newSpacing[2] = g.spacing[2];
    std::array<double, 3> step{}, gridOrigin{};
    std::array<std::ptrdiff_t, 3> newSize{};
    for (int a = 0; a < 3; ++a) {
      // Checked before the cast: a spacing of 1e-300 mm gives more voxels than any integer
      // holds.
      newSize[a] = std::ptrdiff_t(MemoryBudget::checkedExtent(
          "radiomics interpolation (spacing " + std::to_string(newSpacing[a]) + " mm, axis " +
              std::to_string(a) + ")",
          std::ceil(double(limit[a]) * g.spacing[a] / newSpacing[a] - 1e-9)));
      step[a] = newSpacing[a] / g.spacing[a];
      gridOrigin[a] = 0.5 * (double(limit[a]) - 1.0) - 0.5 * (double(newSize[a]) - 1.0) * step[a];
    }
    // Input crop: wide enough for the interpolation kernels; output: ROI plus the margin.
    std::array<std::ptrdiff_t, 3> inMargin{};
    Box outBox;
    for (int a = 0; a < 3; ++a) {
      inMargin[a] = std::ptrdiff_t(std::ceil((kMarginMm + 2.0 * newSpacing[a]) / g.spacing[a])) + 6;
      const double lo = double(roiBox.lo[a]) - kMarginMm / g.spacing[a];
      const double hi = double(roiBox.hi[a]) + kMarginMm / g.spacing[a];
      outBox.lo[a] =
          std::max<std::ptrdiff_t>(0, std::ptrdiff_t(std::ceil((lo - gridOrigin[a]) / step[a])));
      outBox.hi[a] = std::min<std::ptrdiff_t>(
          newSize[a] - 1, std::ptrdiff_t(std::floor((hi - gridOrigin[a]) / step[a])));
    }
    const Box inBox = grow(roiBox, inMargin, limit);
    const auto itkImage = makeItkCrop(image, inBox, false, nullptr);
    const auto itkMask = makeItkCrop(mask, inBox, true, &roi);
    ItkImage::PointType origin;
    ItkImage::SpacingType spacing;
    ItkImage::SizeType size;
    const auto p = g.indexToPhysical({gridOrigin[0] + double(outBox.lo[0]) * step[0],
                                      gridOrigin[1] + double(outBox.lo[1]) * step[1],
                                      gridOrigin[2] + double(outBox.lo[2]) * step[2]});
    for (int a = 0; a < 3; ++a) {
      origin[a] = p[a];
      spacing[a] = newSpacing[a];
      size[a] = std::size_t(outBox.hi[a] - outBox.lo[a] + 1);
      out.size[a] = size[a];
    }
    out.spacing = newSpacing;
    // Before ITK allocates: the ROI box at a fine spacing can exceed the memory budget (it
    // was an Internal "Failed to allocate memory", or minutes of swapping).
    MemoryBudget::checkedBytes("radiomics interpolation of the ROI box", sizeof(double),
                               {size[0], size[1], size[2]});
    const auto resampledImage =
        resample(itkImage, origin, spacing, size, settings.imageInterpolator, false);
    const auto resampledMask =
        resample(itkMask, origin, spacing, size, ImageInterpolator::Linear, true);
    const std::size_t n = out.voxelCount();
    out.intensity.assign(resampledImage->GetBufferPointer(),
                         resampledImage->GetBufferPointer() + n);
    roiFraction.assign(resampledMask->GetBufferPointer(), resampledMask->GetBufferPointer() + n);
    if (settings.roundIntensities) {
      // Half-way samples between two integer HU values are exact halves in exact arithmetic;
      // snap FP noise away before rounding half to even (as numpy's round, used by MIRP).
      for (double& v : out.intensity) {
        const double twice = std::nearbyint(2.0 * v);
        if (std::abs(2.0 * v - twice) < 2e-6) v = 0.5 * twice;
        v = std::nearbyint(v);
      }
    }
  }

  const std::size_t n = out.voxelCount();
  out.morphologyMask.assign(n, 0);
  double sum = 0, sumSq = 0;
  std::size_t count = 0;
  // Aligned grids often sample exactly half-way between two slices, where the interpolated
  // ROI is exactly 0.5 in exact arithmetic; the physical-to-index round trip leaves ~1e-10 of
  // noise that would decide ">= 0.5" at random (and differently for a DICOM and a NIfTI copy of
  // the same image), so values within 1e-6 of the threshold count as reaching it.
  for (std::size_t i = 0; i < n; ++i) {
    if (roiFraction[i] >= settings.maskThreshold - 1e-6) {
      out.morphologyMask[i] = 1;
      if (!std::isfinite(out.intensity[i])) {
        throw Error(ErrorCode::CorruptData,
                    imageName + ": non-finite intensity (NaN or infinity) inside the ROI");
      }
      sum += out.intensity[i];
      sumSq += out.intensity[i] * out.intensity[i];
      ++count;
    }
  }
  if (count == 0) {
    throw Error(ErrorCode::EmptyInput,
                maskName +
                    ": the ROI vanished after interpolation (no voxel reaches the "
                    "partial-volume threshold " +
                    std::to_string(settings.maskThreshold) + ")");
  }

  // Re-segmentation (IBSI 2.5): range, then outlier bounds mean +- k sd over the ROI.
  double lower = settings.rangeLower.value_or(-INFINITY);
  double upper = settings.rangeUpper.value_or(INFINITY);
  if (settings.outlierSigma) {
    const double mean = sum / double(count);
    const double sd = std::sqrt(std::max(0.0, sumSq / double(count) - mean * mean));
    lower = std::max(lower, mean - *settings.outlierSigma * sd);
    upper = std::min(upper, mean + *settings.outlierSigma * sd);
  }
  out.intensityMask.assign(n, 0);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (out.morphologyMask[i] && out.intensity[i] >= lower && out.intensity[i] <= upper) {
      out.intensityMask[i] = 1;
      ++kept;
    }
  }
  if (kept == 0) {
    std::ostringstream range;
    range << "[" << lower << ", " << upper << "]";
    throw Error(ErrorCode::EmptyInput, maskName + ": the ROI is empty after re-segmentation to " +
                                           range.str() + " (" + std::to_string(count) +
                                           " ROI voxels, none inside the range)");
  }
  out.rangeLower = settings.rangeLower;
  out.rangeUpper = settings.rangeUpper;
  return out;
}

}  // namespace medsight

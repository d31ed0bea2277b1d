#include "segmentation/LungFieldSegmenter.h"

#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryFillholeImageFilter.h>
#include <itkBinaryMorphologicalClosingImageFilter.h>

#include <cmath>
#include <deque>

#include "core/Error.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/LargestComponentSelector.h"

namespace medsight {
namespace {

// Clears air connected to the border of each axial slice (outside the body).
void removeOutsideAir(Image& air) {
  auto m = air.pixels<std::uint8_t>();
  const long nx = static_cast<long>(air.size().x), ny = static_cast<long>(air.size().y);
  std::deque<std::pair<long, long>> queue;
  for (std::size_t z = 0; z < air.size().z; ++z) {
    std::uint8_t* s = m.data() + z * static_cast<std::size_t>(nx * ny);
    auto seed = [&](long x, long y) {
      if (s[y * nx + x]) {
        s[y * nx + x] = 0;
        queue.emplace_back(x, y);
      }
    };
    for (long x = 0; x < nx; ++x) seed(x, 0), seed(x, ny - 1);
    for (long y = 0; y < ny; ++y) seed(0, y), seed(nx - 1, y);
    while (!queue.empty()) {
      const auto [x, y] = queue.front();
      queue.pop_front();
      if (x > 0) seed(x - 1, y);
      if (x + 1 < nx) seed(x + 1, y);
      if (y > 0) seed(x, y - 1);
      if (y + 1 < ny) seed(x, y + 1);
    }
  }
}

}  // namespace

LungFieldSegmenter::LungFieldSegmenter(LungFieldSettings settings) : settings_(settings) {}

LungFieldResult LungFieldSegmenter::segment(const Image& ct) const {
  itk_runner::requireScalarVolume(ct, "lung fields");
  if (ct.spatialDimension() != 3) {
    throw Error(ErrorCode::InvalidArgument, "lung fields: needs a 3D chest CT volume");
  }
  if (!ct.modality().empty() && ct.modality() != "CT") {
    throw Error(ErrorCode::WrongModality,
                "lung fields: needs a CT in Hounsfield units, the image is " + ct.modality());
  }
  const auto [lo, hi] = ct.minMax();
  if (lo > -500) {
    throw Error(ErrorCode::WrongModality,
                "lung fields: the image has no air-range values (minimum " + std::to_string(lo) +
                    "); is it a CT in Hounsfield units?");
  }
  const Image f = ct.castTo(PixelType::Float32);
  Image air(PixelType::UInt8, {ct.size().x, ct.size().y, ct.size().z, 1}, 3, 1, ct.geometry());
  {
    const auto p = f.pixels<float>();
    auto m = air.pixels<std::uint8_t>();
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = p[i] < settings_.airThresholdHu;
  }
  removeOutsideAir(air);

  // The two largest components, when each is lung-sized (they merge when the lungs touch).
  const auto sizes = LargestComponentSelector::componentSizes(air);
  const auto& sp = ct.geometry().spacing;
  const double voxelMl = sp[0] * sp[1] * sp[2] / 1000.0;
  int keep = 0;
  for (std::size_t i = 0; i < sizes.size() && i < 2; ++i) {
    if (static_cast<double>(sizes[i]) * voxelMl >= settings_.minimumLungMl) ++keep;
  }
  LungFieldResult r;
  r.components = keep;
  Image lungs = keep > 0 ? LargestComponentSelector::keep(air, keep)
                         : Image(PixelType::UInt8, air.size(), 3, 1, ct.geometry());
  if (keep > 0) {
    lungs = itk_runner::filterFloat(lungs, "lung closing", [&](auto in) {
              using T = typename decltype(in)::ObjectType;
              using Ball = itk::BinaryBallStructuringElement<float, T::ImageDimension>;
              Ball ball;
              typename Ball::SizeType radius;
              for (unsigned a = 0; a < T::ImageDimension; ++a) {
                radius[a] = static_cast<unsigned>(
                    std::max(0.0, std::round(settings_.closingRadiusMm / sp[a])));
              }
              ball.SetRadius(radius);
              ball.CreateStructuringElement();
              auto close = itk::BinaryMorphologicalClosingImageFilter<T, T, Ball>::New();
              close->SetInput(in);
              close->SetKernel(ball);
              close->SetForegroundValue(1.0f);
              auto fill = itk::BinaryFillholeImageFilter<T>::New();
              fill->SetInput(close->GetOutput());
              fill->SetForegroundValue(1.0f);
              fill->Update();
              typename T::Pointer out = fill->GetOutput();
              return out;
            }).castTo(PixelType::UInt8);
    lungs.geometry() = ct.geometry();
  }

  // Volumes, sides (LPS: +x is patient left) and extent.
  const auto m = lungs.pixels<std::uint8_t>();
  const std::size_t nx = ct.size().x, ny = ct.size().y, nz = ct.size().z;
  const auto mid = ct.geometry().indexToPhysical({(nx - 1) / 2.0, (ny - 1) / 2.0, 0.0});
  std::size_t slicesWithLung = 0;
  for (std::size_t z = 0; z < nz; ++z) {
    bool any = false;
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) {
        if (!m[(z * ny + y) * nx + x]) continue;
        any = true;
        const auto p = ct.geometry().indexToPhysical({double(x), double(y), double(z)});
        (p[0] > mid[0] ? r.leftVolumeMl : r.rightVolumeMl) += voxelMl;
      }
    slicesWithLung += any;
  }
  r.volumeMl = r.leftVolumeMl + r.rightVolumeMl;
  r.sliceFraction = nz ? static_cast<double>(slicesWithLung) / static_cast<double>(nz) : 0.0;
  if (r.volumeMl < settings_.gateMinimumMl) {
    r.gateReasons.push_back("lung volume " + std::to_string(static_cast<int>(r.volumeMl)) +
                            " ml is below " +
                            std::to_string(static_cast<int>(settings_.gateMinimumMl)) + " ml");
  }
  if (r.sliceFraction < settings_.gateMinimumSliceFraction) {
    r.gateReasons.push_back(
        "lungs appear on " + std::to_string(static_cast<int>(100 * r.sliceFraction)) +
        "% of slices, fewer than " +
        std::to_string(static_cast<int>(100 * settings_.gateMinimumSliceFraction)) + "%");
  }
  r.gatePassed = r.gateReasons.empty();
  lungs.metadata()["segmentation.structure"] = "lung fields";
  r.mask = std::move(lungs);
  return r;
}

}  // namespace medsight

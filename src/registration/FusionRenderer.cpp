#include "registration/FusionRenderer.h"

#include <itkCoolColormapFunction.h>
#include <itkGreyColormapFunction.h>
#include <itkHotColormapFunction.h>
#include <itkJetColormapFunction.h>
#include <itkRGBPixel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/Error.h"
#include "preprocess/IntensityStatistics.h"

namespace medsight {
namespace {

using Rgb = itk::RGBPixel<unsigned char>;
using Colormap = itk::Function::ColormapFunction<float, Rgb>;

Colormap::Pointer colormapNamed(const std::string& name) {
  if (name == "hot") return itk::Function::HotColormapFunction<float, Rgb>::New().GetPointer();
  if (name == "jet") return itk::Function::JetColormapFunction<float, Rgb>::New().GetPointer();
  if (name == "cool") return itk::Function::CoolColormapFunction<float, Rgb>::New().GetPointer();
  if (name == "grey") return itk::Function::GreyColormapFunction<float, Rgb>::New().GetPointer();
  throw Error(ErrorCode::InvalidArgument,
              "fusion: colormap '" + name + "': expected hot, jet, cool or grey");
}

}  // namespace

Image FusionRenderer::render(const Image& base, const Image& overlay, const FusionOptions& o) {
  if (base.components() != 1 || overlay.components() != 1 || base.size().t != 1) {
    throw Error(ErrorCode::InvalidArgument, "fusion: base and overlay must be grey volumes");
  }
  if (!overlay.sameGrid(base, 1e-3)) {
    throw Error(ErrorCode::GeometryMismatch,
                "fusion: the overlay is not on the base image's grid; register and resample it "
                "first (medsight register)");
  }
  if (!(o.opacity >= 0 && o.opacity <= 1)) {
    throw Error(ErrorCode::InvalidArgument, "fusion: opacity must be in [0, 1]");
  }
  const DisplayWindow window = o.baseWindow ? *o.baseWindow : DisplayRenderer::defaultWindow(base);
  const Image ov = overlay.castTo(PixelType::Float32);
  const auto [low, high] = overlayRange(ov, o);
  auto cmap = colormapNamed(o.colormap);
  cmap->SetMinimumInputValue(static_cast<float>(low));
  cmap->SetMaximumInputValue(static_cast<float>(high));

  Image out(PixelType::UInt8, {base.size().x, base.size().y, base.size().z, 1},
            base.spatialDimension(), 3, base.geometry());
  out.setModality(base.modality());
  const Image b = base.castTo(PixelType::Float32);
  const auto bp = b.pixels<float>();
  const auto op = ov.pixels<float>();
  auto rgb = out.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < bp.size(); ++i) {
    const double grey = 255.0 * window.apply(bp[i]);
    double r = grey, g = grey, bl = grey;
    if (op[i] >= low) {
      const Rgb c = (*cmap)(std::min<float>(op[i], static_cast<float>(high)));
      r = (1 - o.opacity) * grey + o.opacity * c[0];
      g = (1 - o.opacity) * grey + o.opacity * c[1];
      bl = (1 - o.opacity) * grey + o.opacity * c[2];
    }
    rgb[3 * i] = static_cast<std::uint8_t>(std::clamp(r, 0.0, 255.0) + 0.5);
    rgb[3 * i + 1] = static_cast<std::uint8_t>(std::clamp(g, 0.0, 255.0) + 0.5);
    rgb[3 * i + 2] = static_cast<std::uint8_t>(std::clamp(bl, 0.0, 255.0) + 0.5);
  }
  out.metadata()["fusion.overlay_window"] = std::to_string(low) + ".." + std::to_string(high);
  out.metadata()["fusion.colormap"] = o.colormap;
  return out;
}

std::pair<double, double> FusionRenderer::overlayRange(const Image& overlay,
                                                       const FusionOptions& o) {
  double low = 0, high = 1;
  if (!o.low || !o.high) {
    const auto stats = IntensityStatistics::collect(overlay, nullptr, 500000);
    low = o.low ? *o.low : stats.percentile(50);
    high = o.high ? *o.high : stats.percentile(99.5);
  } else {
    low = *o.low;
    high = *o.high;
  }
  if (!(high > low)) high = low + 1e-6;
  return {low, high};
}

Image FusionRenderer::slice(const Image& volume, std::size_t z) {
  if (z >= volume.size().z) {
    throw Error(ErrorCode::InvalidArgument, "fusion: slice " + std::to_string(z) +
                                                " is outside the volume's " +
                                                std::to_string(volume.size().z) + " slices");
  }
  ImageGeometry g = volume.geometry();
  g.origin = g.indexToPhysical({0.0, 0.0, static_cast<double>(z)});
  Image out(volume.pixelType(), {volume.size().x, volume.size().y, 1, 1}, 2, volume.components(),
            g);
  const std::size_t bytes = out.byteSize();
  std::memcpy(out.bytes().data(), volume.bytes().data() + z * bytes, bytes);
  out.setModality(volume.modality());
  return out;
}

std::size_t FusionRenderer::mostInformativeSlice(const Image& overlay, double low) {
  const Image f = overlay.castTo(PixelType::Float32);
  const auto p = f.pixels<float>();
  const std::size_t plane = f.size().x * f.size().y;
  std::vector<double> sums(f.size().z, 0.0);
  for (std::size_t z = 0; z < f.size().z; ++z) {
    for (std::size_t i = 0; i < plane; ++i) sums[z] += std::max(0.0, p[z * plane + i] - low);
  }
  const double bestSum = sums.empty() ? 0.0 : *std::max_element(sums.begin(), sums.end());
  if (!(bestSum > 0.0)) return f.size().z / 2;
  // A compact structure often has several equal central slices (a sphere on a voxel grid);
  // the middle of the tied slices is its centre, where a reader expects the view.
  std::vector<std::size_t> tied;
  for (std::size_t z = 0; z < sums.size(); ++z) {
    if (sums[z] >= bestSum * (1.0 - 1e-12)) tied.push_back(z);
  }
  return tied[(tied.size() - 1) / 2];
}

}  // namespace medsight

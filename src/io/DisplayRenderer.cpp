#include "io/DisplayRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

std::optional<double> firstNumber(const MetadataDictionary& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end() || it->second.empty()) return std::nullopt;
  std::istringstream in(it->second.substr(0, it->second.find('\\')));
  double v = 0;
  if (in >> v && std::isfinite(v)) return v;
  return std::nullopt;
}

}  // namespace

DisplayWindow DisplayWindow::preset(const std::string& name) {
  // Common radiology presets (centre/width in HU).
  if (name == "lung") return {-600, 1500};
  if (name == "mediastinum") return {40, 400};
  if (name == "bone") return {400, 1800};
  if (name == "brain") return {40, 80};
  if (name == "abdomen") return {50, 400};
  if (name == "liver") return {60, 160};
  throw Error(ErrorCode::InvalidArgument, "unknown window preset '" + name +
                                              "' (lung, mediastinum, bone, brain, abdomen, liver)");
}

double DisplayWindow::apply(double x) const {
  const double c = center, w = std::max(width, 1e-6);
  if (function == "SIGMOID") return 1.0 / (1.0 + std::exp(-4.0 * (x - c) / w));
  if (function == "LINEAR_EXACT") {
    if (x <= c - w / 2) return 0.0;
    if (x > c + w / 2) return 1.0;
    return (x - c) / w + 0.5;
  }
  // LINEAR (C.11.2.1.2.1); width 1 is a threshold at c - 0.5.
  if (w <= 1.0) return x <= c - 0.5 ? 0.0 : 1.0;
  if (x <= c - 0.5 - (w - 1) / 2) return 0.0;
  if (x > c - 0.5 + (w - 1) / 2) return 1.0;
  return (x - (c - 0.5)) / (w - 1) + 0.5;
}

DisplayWindow DisplayRenderer::defaultWindow(const Image& image) {
  const auto& m = image.metadata();
  const auto c = firstNumber(m, "WindowCenter");
  const auto w = firstNumber(m, "WindowWidth");
  if (c && w && *w > 0) {
    DisplayWindow window{*c, *w};
    if (auto f = m.find("VOILUTFunction"); f != m.end() && !f->second.empty()) {
      window.function = f->second;
    }
    return window;
  }
  // Robust range of the data: 0.5th to 99.5th percentile of a subsample.
  std::vector<double> values;
  const std::size_t n = image.sampleCount();
  const std::size_t step = std::max<std::size_t>(1, n / 200000);
  values.reserve(n / step + 1);
  visitPixelType(image.pixelType(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = reinterpret_cast<const T*>(image.bytes().data());
    for (std::size_t i = 0; i < n; i += step) values.push_back(static_cast<double>(p[i]));
  });
  std::sort(values.begin(), values.end());
  const double lo = values[static_cast<std::size_t>(0.005 * (values.size() - 1))];
  const double hi = values[static_cast<std::size_t>(0.995 * (values.size() - 1))];
  return {(lo + hi) / 2 + 0.5, std::max(hi - lo, 1.0) + 1, "LINEAR"};
}

Image DisplayRenderer::render(const Image& image, std::optional<DisplayWindow> window,
                              std::size_t z, std::size_t t) {
  if (image.empty()) throw Error(ErrorCode::EmptyInput, "cannot render an empty image");
  if (z >= image.size().z || t >= image.size().t) {
    throw Error(ErrorCode::InvalidArgument, "slice " + std::to_string(z) + " / frame " +
                                                std::to_string(t) + " is outside the image");
  }
  const std::size_t w = image.size().x, h = image.size().y;
  ImageGeometry g = image.geometry();
  g.origin = g.indexToPhysical({0.0, 0.0, static_cast<double>(z)});
  Image out(PixelType::UInt8, {w, h, 1, 1}, 2, image.components() == 1 ? 1 : 3, g);
  out.setModality(image.modality());
  auto* dst = out.pixels<std::uint8_t>().data();
  if (image.components() != 1) {
    const double scale = image.pixelType() == PixelType::UInt8 ? 1.0 : 255.0 / 65535.0;
    for (std::size_t y = 0; y < h; ++y) {
      for (std::size_t x = 0; x < w; ++x) {
        for (int c = 0; c < 3 && c < image.components(); ++c) {
          dst[(y * w + x) * 3 + c] = static_cast<std::uint8_t>(
              std::clamp(std::lround(image.valueAt(x, y, z, t, c) * scale), 0L, 255L));
        }
      }
    }
    return out;
  }
  const DisplayWindow win = window ? *window : defaultWindow(image);
  auto pi = image.metadata().find("PhotometricInterpretation");
  const bool invert = pi != image.metadata().end() && pi->second == "MONOCHROME1";
  for (std::size_t y = 0; y < h; ++y) {
    for (std::size_t x = 0; x < w; ++x) {
      double v = win.apply(image.valueAt(x, y, z, t));
      if (invert) v = 1.0 - v;
      dst[y * w + x] = static_cast<std::uint8_t>(std::lround(v * 255.0));
    }
  }
  out.metadata()["WindowCenter"] = std::to_string(win.center);
  out.metadata()["WindowWidth"] = std::to_string(win.width);
  return out;
}

}  // namespace medsight

#include "explain/HeatmapOverlay.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "core/Error.h"
#include "io/DisplayRenderer.h"

namespace medsight {
namespace {

// Turbo (Mikhailov 2019): a perceptually smoother rainbow than jet, readable in print.
constexpr int kColourMap = cv::COLORMAP_TURBO;

cv::Mat colourise(const cv::Mat& unit) {
  cv::Mat bytes, bgr, rgb;
  unit.convertTo(bytes, CV_8U, 255.0);
  cv::applyColorMap(bytes, bgr, kColourMap);
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

}  // namespace

Image HeatmapOverlay::render(const Image& image, const Image& heatmap, double opacity) {
  if (heatmap.size().x != image.size().x || heatmap.size().y != image.size().y ||
      heatmap.pixelType() != PixelType::Float32 || heatmap.components() != 1) {
    throw Error(ErrorCode::GeometryMismatch,
                "heatmap overlay: the heatmap must be a float image on the input's grid");
  }
  const Image display = DisplayRenderer::render(image);
  const int rows = static_cast<int>(image.size().y), cols = static_cast<int>(image.size().x);
  cv::Mat base(rows, cols, display.components() == 3 ? CV_8UC3 : CV_8UC1,
               const_cast<std::byte*>(display.bytes().data()));
  cv::Mat baseRgb;
  if (display.components() == 3) {
    baseRgb = base.clone();
  } else {
    cv::cvtColor(base, baseRgb, cv::COLOR_GRAY2RGB);
  }
  cv::Mat heat(rows, cols, CV_32FC1, const_cast<std::byte*>(heatmap.bytes().data()));
  cv::Mat clipped;
  cv::min(cv::max(heat, 0.0), 1.0, clipped);
  const cv::Mat colour = colourise(clipped);
  // Per-pixel alpha = opacity * evidence: alpha blending as out = (1 - a) base + a colour.
  cv::Mat alpha;
  clipped.convertTo(alpha, CV_32F, std::clamp(opacity, 0.0, 1.0));
  cv::Mat alpha3, baseF, colourF;
  cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, alpha3);
  baseRgb.convertTo(baseF, CV_32FC3);
  colour.convertTo(colourF, CV_32FC3);
  cv::Mat blended = baseF.mul(cv::Scalar::all(1.0) - alpha3) + colourF.mul(alpha3);
  cv::Mat out8;
  blended.convertTo(out8, CV_8UC3);
  ImageGeometry g = image.geometry();
  Image out(PixelType::UInt8, {image.size().x, image.size().y, 1, 1}, 2, 3, g);
  std::copy_n(reinterpret_cast<const std::byte*>(out8.data), out.byteSize(), out.bytes().data());
  out.setModality(image.modality());
  out.metadata() = heatmap.metadata();
  return out;
}

Image HeatmapOverlay::colourBar(int width) {
  width = std::clamp(width, 2, 4096);
  cv::Mat ramp(1, width, CV_32FC1);
  for (int i = 0; i < width; ++i) ramp.at<float>(0, i) = static_cast<float>(i) / (width - 1);
  const cv::Mat rgb = colourise(ramp);
  Image out(PixelType::UInt8, {static_cast<std::size_t>(width), 1, 1, 1}, 2, 3);
  std::copy_n(reinterpret_cast<const std::byte*>(rgb.data), out.byteSize(), out.bytes().data());
  return out;
}

}  // namespace medsight

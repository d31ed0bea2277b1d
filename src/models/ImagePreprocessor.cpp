#include "models/ImagePreprocessor.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/Error.h"
#include "core/ParallelFor.h"
#include "core/TensorBridge.h"

namespace medsight {

at::Tensor ImagePreprocessor::toUnitTensor(const Image& image) const {
  if (image.empty()) throw Error(ErrorCode::EmptyInput, "preprocess: empty image");
  if (image.size().z != 1 || image.size().t != 1) {
    throw Error(ErrorCode::WrongModality,
                "model expects a 2D image, got " + std::to_string(image.size().x) + "x" +
                    std::to_string(image.size().y) + "x" + std::to_string(image.size().z) +
                    " with " + std::to_string(image.size().t) + " frame(s)");
  }
  // [C, H, W] float in modality units.
  torch::Tensor x = imageToTensor(image.castTo(PixelType::Float32), TensorLayout::CYX).clone();
  if (x.size(0) == 4) x = x.slice(0, 0, 3);  // drop alpha
  if (x.size(0) == 3 && spec_.channels == 1) {
    // ITU-R BT.601 luma.
    x = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0);
  }
  // Intensity to [0, 1].
  if (spec_.intensity == "window") {
    const double lo = spec_.windowCenter - spec_.windowWidth / 2;
    x = ((x - lo) / spec_.windowWidth).clamp(0.0, 1.0);
  } else if (spec_.intensity == "unit" &&
             (image.pixelType() == PixelType::UInt8 || image.pixelType() == PixelType::UInt16)) {
    x = x / (image.pixelType() == PixelType::UInt8 ? 255.0 : 65535.0);
  } else {
    const bool percentile = spec_.intensity == "percentile";
    const auto flat = x.flatten();
    double lo = 0, hi = 0;
    if (percentile && flat.numel() > 1) {
      const auto sorted = std::get<0>(flat.sort());
      const auto n = sorted.numel();
      auto at = [&](double p) {
        const auto i = std::clamp<int64_t>(
            static_cast<int64_t>(p / 100.0 * static_cast<double>(n - 1)), 0, n - 1);
        return sorted[i].item<double>();
      };
      lo = at(spec_.lowPercentile);
      hi = at(spec_.highPercentile);
    } else {
      lo = flat.min().item<double>();
      hi = flat.max().item<double>();
    }
    x = hi > lo ? ((x - lo) / (hi - lo)).clamp(0.0, 1.0) : torch::zeros_like(x);
  }
  // MONOCHROME1: low values are bright; invert so bright means dense everywhere.
  const auto pi = image.metadata().find("PhotometricInterpretation");
  if (pi != image.metadata().end() && pi->second == "MONOCHROME1") x = 1.0 - x;
  if (x.size(0) == 1 && spec_.channels == 3) x = x.repeat({3, 1, 1});
  if (spec_.resize == "pad_square") {
    const int64_t h = x.size(1), w = x.size(2), side = std::max(h, w);
    if (h != w) {
      const int64_t top = (side - h) / 2, left = (side - w) / 2;
      x = torch::constant_pad_nd(x, {left, side - w - left, top, side - h - top}, 0.0);
    }
  }
  if (x.size(1) != spec_.height || x.size(2) != spec_.width) {
    const bool shrinking = x.size(1) > spec_.height || x.size(2) > spec_.width;
    x = torch::nn::functional::interpolate(
            x.unsqueeze(0), torch::nn::functional::InterpolateFuncOptions()
                                .size(std::vector<int64_t>{spec_.height, spec_.width})
                                .mode(torch::kBilinear)
                                .align_corners(false)
                                .antialias(shrinking))
            .squeeze(0);
  }
  return x.contiguous();
}

at::Tensor ImagePreprocessor::toUnitBatch(const std::vector<Image>& images, int threads) const {
  if (images.empty()) throw Error(ErrorCode::EmptyInput, "preprocess: no images");
  auto out = torch::empty(
      {static_cast<int64_t>(images.size()), spec_.channels, spec_.height, spec_.width});
  // Each conversion is small; parallelise across images, not inside torch.
  parallelFor(images.size(), threads,
              [&](std::size_t i) { out[static_cast<int64_t>(i)].copy_(toUnitTensor(images[i])); });
  return out;
}

at::Tensor ImagePreprocessor::normalize(const at::Tensor& unit) const {
  return (unit - spec_.mean) / spec_.std;
}

}  // namespace medsight

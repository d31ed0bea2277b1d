#include "preprocess/BoundingBoxCropper.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/Error.h"
#include "preprocess/IntensityStatistics.h"
#include "preprocess/OtsuThresholds.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {
namespace {

/// Calls `copy(imageByte, partByte, rowBytes)` for every x-row of `box` in `image` (all frames):
/// the row's byte offset in the image and in a part holding just the box, rows packed in order.
/// extract() and insert() are this walk with the copy in opposite directions.
template <class Copy>
void forEachBoxRow(const Image& image, const VoxelBox& box, Copy&& copy) {
  const std::size_t sample = bytesPerSample(image.pixelType());
  const std::size_t row = box.size[0] * sample * image.components();
  std::size_t inPart = 0;
  for (std::size_t t = 0; t < image.size().t; ++t) {
    for (std::size_t z = 0; z < box.size[2]; ++z) {
      for (std::size_t y = 0; y < box.size[1]; ++y, inPart += row) {
        copy(image.offset(box.start[0], box.start[1] + y, box.start[2] + z, t) * sample, inPart,
             row);
      }
    }
  }
}

}  // namespace

BoundingBoxCropper::BoundingBoxCropper(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  source_ = p.choice("source", source_, {"mask", "foreground", "threshold"});
  marginMm_ = p.triple("margin_mm", marginMm_, 0, 1000, &planar_);
  if (source_ == "threshold" && !p.has("threshold")) {
    throw Error(ErrorCode::InvalidConfiguration,
                context + ": source \"threshold\" needs a 'threshold' value");
  }
  threshold_ = p.number("threshold", threshold_, -1e9, 1e9);
  p.finish();
}

nlohmann::json BoundingBoxCropper::parameters() const {
  nlohmann::json j{{"source", source_},
                   {"margin_mm", StepParameterReader::tripleJson(marginMm_, planar_)}};
  if (source_ == "threshold") j["threshold"] = threshold_;
  return j;
}

std::optional<VoxelBox> BoundingBoxCropper::nonZeroBox(const Image& mask) {
  const Image m = mask.castTo(PixelType::UInt8);
  const auto px = m.pixels<std::uint8_t>();
  const auto& s = m.size();
  std::array<std::size_t, 3> lo{s.x, s.y, s.z}, hi{0, 0, 0};
  bool any = false;
  std::size_t i = 0;
  for (std::size_t z = 0; z < s.z; ++z) {
    for (std::size_t y = 0; y < s.y; ++y) {
      for (std::size_t x = 0; x < s.x; ++x, ++i) {
        if (!px[i]) continue;
        any = true;
        lo = {std::min(lo[0], x), std::min(lo[1], y), std::min(lo[2], z)};
        hi = {std::max(hi[0], x), std::max(hi[1], y), std::max(hi[2], z)};
      }
    }
  }
  if (!any) return std::nullopt;
  return VoxelBox{lo, {hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1}};
}

VoxelBox BoundingBoxCropper::grow(const VoxelBox& box, const Image& image,
                                  std::array<double, 3> marginMm) {
  const std::size_t extents[3] = {image.size().x, image.size().y, image.size().z};
  VoxelBox out;
  for (int i = 0; i < 3; ++i) {
    const bool used = i < image.spatialDimension();
    // Callers check their users' margins; this keeps the cast below defined for any caller.
    if (used && !(marginMm[i] >= 0 && marginMm[i] <= 1e6)) {
      throw Error(ErrorCode::InvalidArgument,
                  "crop: a margin of " + std::to_string(marginMm[i]) + " mm is not 0 to 1e6 mm");
    }
    const auto m =
        used ? static_cast<std::size_t>(std::ceil(marginMm[i] / image.geometry().spacing[i] - 1e-9))
             : 0;
    const std::size_t first = box.start[i] > m ? box.start[i] - m : 0;
    const std::size_t last = std::min(extents[i] - 1, box.start[i] + box.size[i] - 1 + m);
    out.start[i] = first;
    out.size[i] = last - first + 1;
  }
  return out;
}

void BoundingBoxCropper::insert(Image& into, const Image& part, const VoxelBox& box) {
  const auto& s = into.size();
  if (box.start[0] + box.size[0] > s.x || box.start[1] + box.size[1] > s.y ||
      box.start[2] + box.size[2] > s.z || part.size().x != box.size[0] ||
      part.size().y != box.size[1] || part.size().z != box.size[2] || part.size().t != s.t ||
      part.pixelType() != into.pixelType() || part.components() != into.components()) {
    throw Error(ErrorCode::InvalidArgument, "crop: the part does not fit the box in the image");
  }
  auto src = part.bytes();
  auto dst = into.bytes();
  forEachBoxRow(into, box, [&](std::size_t inImage, std::size_t inPart, std::size_t row) {
    std::memcpy(dst.data() + inImage, src.data() + inPart, row);
  });
}

Image BoundingBoxCropper::extract(const Image& image, const VoxelBox& box) {
  const auto& s = image.size();
  if (box.start[0] + box.size[0] > s.x || box.start[1] + box.size[1] > s.y ||
      box.start[2] + box.size[2] > s.z || box.size[0] == 0 || box.size[1] == 0 ||
      box.size[2] == 0) {
    throw Error(ErrorCode::InvalidArgument, "crop: the box lies outside the image");
  }
  ImageGeometry g = image.geometry();
  g.origin =
      g.indexToPhysical({static_cast<double>(box.start[0]), static_cast<double>(box.start[1]),
                         static_cast<double>(box.start[2])});
  Image out(image.pixelType(), {box.size[0], box.size[1], box.size[2], s.t},
            image.spatialDimension(), image.components(), g);
  out.setModality(image.modality());
  out.metadata() = image.metadata();
  auto src = image.bytes();
  auto dst = out.bytes();
  forEachBoxRow(image, box, [&](std::size_t inImage, std::size_t inPart, std::size_t row) {
    std::memcpy(dst.data() + inPart, src.data() + inImage, row);
  });
  return out;
}

nlohmann::json BoundingBoxCropper::apply(PreprocessSubject& subject) const {
  StepParameterReader::requirePlanarFits(planar_, subject.image, "crop", "margin_mm");
  Image selection;
  if (source_ == "mask") {
    if (!subject.mask) {
      throw Error(ErrorCode::InvalidArgument, "crop: source \"mask\" needs a mask with the image");
    }
    selection = *subject.mask;
  } else {
    const Image f = subject.image.castTo(PixelType::Float32);
    const double t =
        source_ == "threshold"
            ? threshold_
            : OtsuThresholds::compute(IntensityStatistics::collect(f, nullptr, 200000))[0];
    selection = Image(PixelType::UInt8, f.size(), f.spatialDimension(), 1, f.geometry());
    auto mk = selection.pixels<std::uint8_t>();
    const auto px = f.pixels<float>();
    for (std::size_t i = 0; i < mk.size(); ++i) mk[i] = px[i] > t;
  }
  const auto box = nonZeroBox(selection);
  if (!box) {
    throw Error(ErrorCode::EmptyInput, "crop: the " + source_ +
                                           " selection is empty; nothing "
                                           "to crop to");
  }
  const VoxelBox grown = grow(*box, subject.image, marginMm_);
  subject.image = extract(subject.image, grown);
  if (subject.mask) subject.mask = extract(*subject.mask, grown);
  return {{"start", grown.start}, {"size", grown.size}};
}

}  // namespace medsight

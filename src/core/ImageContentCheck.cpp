#include "core/ImageContentCheck.h"

#include <cmath>
#include <set>
#include <sstream>
#include <type_traits>

#include "core/Error.h"

namespace medsight {

std::size_t ImageContentCheck::nonFiniteCount(const Image& image) {
  std::size_t n = 0;
  visitPixelType(image.pixelType(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      for (const T v : image.pixels<T>()) n += std::isfinite(v) ? 0 : 1;
    }
  });
  return n;
}

void ImageContentCheck::requireFinite(const Image& image, const std::string& what) {
  const std::size_t n = nonFiniteCount(image);
  if (n == 0) return;
  throw Error(ErrorCode::CorruptData,
              what + ": " + std::to_string(n) + " of " + std::to_string(image.sampleCount()) +
                  (n == 1 ? " voxel is" : " voxels are") +
                  " not a number (NaN or infinite); MedSight needs a finite intensity at every "
                  "voxel (replace them, e.g. by 0 outside the field of view, before this step)");
}

void ImageContentCheck::requireVarying(const Image& image, const std::string& what,
                                       const std::string& consequence) {
  if (image.sampleCount() == 0) return;  // minMax needs a sample
  const auto [lo, hi] = image.minMax();
  if (lo != hi) return;
  std::ostringstream v;
  v << lo;
  throw Error(ErrorCode::EmptyInput, what + ": every voxel has the same value (" + v.str() +
                                         "), a blank image: " + consequence);
}

std::size_t ImageContentCheck::distinctValues(const Image& image, std::size_t limit) {
  std::set<double> seen;
  visitPixelType(image.pixelType(), [&](auto tag) {
    using T = decltype(tag);
    for (const T v : image.pixels<T>()) {
      if (seen.insert(static_cast<double>(v)).second && seen.size() > limit) return;
    }
  });
  return seen.size();
}

}  // namespace medsight

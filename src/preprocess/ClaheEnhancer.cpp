#include "preprocess/ClaheEnhancer.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/Error.h"
#include "preprocess/IntensityStatistics.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

ClaheEnhancer::ClaheEnhancer(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  clipLimit_ = p.number("clip_limit", clipLimit_, 1.0, 256.0);
  tiles_ = p.integers("tiles", tiles_, 1, 64);
  if (tiles_.size() != 2) p.fail("tiles", "must be [columns, rows], e.g. [8, 8]");
  lowPercentile_ = p.number("low_percentile", lowPercentile_, 0, 50);
  highPercentile_ = p.number("high_percentile", highPercentile_, 50, 100);
  if (!(highPercentile_ > lowPercentile_)) {
    p.fail("high_percentile", "must be above low_percentile");
  }
  p.finish();
}

nlohmann::json ClaheEnhancer::parameters() const {
  return {{"clip_limit", clipLimit_},
          {"tiles", tiles_},
          {"low_percentile", lowPercentile_},
          {"high_percentile", highPercentile_}};
}

nlohmann::json ClaheEnhancer::apply(PreprocessSubject& subject) const {
  itk_runner::requireScalarVolume(subject.image, "clahe");
  Image volume = subject.image.castTo(PixelType::Float32);
  const std::size_t nx = volume.size().x, ny = volume.size().y, nz = volume.size().z;
  if (nx < 2 * static_cast<std::size_t>(tiles_[0]) ||
      ny < 2 * static_cast<std::size_t>(tiles_[1])) {
    throw Error(ErrorCode::InvalidArgument,
                "clahe: a slice of " + std::to_string(nx) + " x " + std::to_string(ny) +
                    " voxels is too small for " + std::to_string(tiles_[0]) + " x " +
                    std::to_string(tiles_[1]) + " tiles (at least 2 voxels per tile side)");
  }
  const auto stats = IntensityStatistics::collect(volume, nullptr, 1'000'000);
  const double low = stats.percentile(lowPercentile_), high = stats.percentile(highPercentile_);
  if (!(high > low)) {
    // A (nearly) constant image has no contrast to equalise.
    subject.image = std::move(volume);
    return {{"range", {low, high}}, {"equalised", false}};
  }
  // 256 bins over the robust range, as CLAHE is defined (and scikit-image does); OpenCV's
  // 16-bit path would clip each tile's 65536-bin histogram at one count per bin.
  auto px = volume.pixels<float>();
  const double scale = 255.0 / (high - low);
  std::vector<std::uint8_t> q(px.size());
  for (std::size_t i = 0; i < px.size(); ++i) {
    q[i] = static_cast<std::uint8_t>(
        std::lround(std::clamp((static_cast<double>(px[i]) - low) * scale, 0.0, 255.0)));
  }
  auto clahe = cv::createCLAHE(clipLimit_, cv::Size(tiles_[0], tiles_[1]));
  const std::size_t plane = nx * ny;
  cv::Mat out;
  for (std::size_t z = 0; z < nz; ++z) {
    cv::Mat slice(static_cast<int>(ny), static_cast<int>(nx), CV_8UC1, q.data() + z * plane);
    try {
      clahe->apply(slice, out);
    } catch (const cv::Exception& e) {
      throw Error(ErrorCode::Internal,
                  "clahe: OpenCV failed on slice " + std::to_string(z) + ": " + e.what());
    }
    for (std::size_t i = 0; i < plane; ++i) {
      px[z * plane + i] = static_cast<float>(low + out.data[i] / scale);
    }
  }
  subject.image = std::move(volume);
  return {{"range", {low, high}}, {"equalised", true}};
}

}  // namespace medsight

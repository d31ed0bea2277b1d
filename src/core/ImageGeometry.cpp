#include "core/ImageGeometry.h"

#include <cmath>
#include <sstream>

#include "core/Error.h"

namespace medsight {

std::array<double, 3> ImageGeometry::indexToPhysical(const std::array<double, 3>& index) const {
  std::array<double, 3> p = origin;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) p[r] += direction[r * 3 + c] * spacing[c] * index[c];
  }
  return p;
}

std::array<double, 3> ImageGeometry::physicalToIndex(const std::array<double, 3>& point) const {
  // The direction matrix is orthonormal (validate() checks), so its inverse is its transpose.
  std::array<double, 3> d{point[0] - origin[0], point[1] - origin[1], point[2] - origin[2]};
  std::array<double, 3> index{};
  for (int c = 0; c < 3; ++c) {
    double v = 0.0;
    for (int r = 0; r < 3; ++r) v += direction[r * 3 + c] * d[r];
    index[c] = v / spacing[c];
  }
  return index;
}

bool ImageGeometry::approxEqual(const ImageGeometry& other, double tolerance) const {
  for (int i = 0; i < 3; ++i) {
    if (std::abs(spacing[i] - other.spacing[i]) > tolerance) return false;
    if (std::abs(origin[i] - other.origin[i]) > tolerance) return false;
  }
  for (int i = 0; i < 9; ++i) {
    if (std::abs(direction[i] - other.direction[i]) > tolerance) return false;
  }
  return true;
}

void ImageGeometry::validate(const std::string& context) const {
  for (int i = 0; i < 3; ++i) {
    if (!std::isfinite(spacing[i]) || spacing[i] <= 0.0) {
      std::ostringstream msg;
      msg << context << ": spacing[" << i << "] = " << spacing[i] << " mm is not positive";
      throw Error(ErrorCode::InvalidArgument, msg.str());
    }
    if (!std::isfinite(origin[i])) {
      throw Error(ErrorCode::InvalidArgument, context + ": origin is not finite");
    }
  }
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      double dot = 0.0;
      for (int r = 0; r < 3; ++r) dot += direction[r * 3 + a] * direction[r * 3 + b];
      const double expected = a == b ? 1.0 : 0.0;
      if (!std::isfinite(dot) || std::abs(dot - expected) > 1e-3) {
        throw Error(ErrorCode::InvalidArgument,
                    context + ": direction cosines are not orthonormal");
      }
    }
  }
}

std::string ImageGeometry::orientationCode() const {
  // LPS patient axes: +x = Left, +y = Posterior, +z = Superior (DICOM PS3.3 C.7.6.2.1.1).
  static constexpr char kPositive[3] = {'L', 'P', 'S'};
  static constexpr char kNegative[3] = {'R', 'A', 'I'};
  std::string code;
  for (int c = 0; c < 3; ++c) {
    int best = 0;
    for (int r = 1; r < 3; ++r) {
      if (std::abs(direction[r * 3 + c]) > std::abs(direction[best * 3 + c])) best = r;
    }
    code += direction[best * 3 + c] >= 0 ? kPositive[best] : kNegative[best];
  }
  return code;
}

}  // namespace medsight

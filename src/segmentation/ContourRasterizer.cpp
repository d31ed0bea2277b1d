#include "segmentation/ContourRasterizer.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/Error.h"

namespace medsight {

Image ContourRasterizer::rasterize(const RtRoi& roi, const Image& grid,
                                   RasterizationReport* report) {
  if (grid.spatialDimension() != 3) {
    throw Error(ErrorCode::InvalidArgument, "RTSTRUCT to mask: the reference image must be 3D");
  }
  const auto frame = grid.metadata().find("FrameOfReferenceUID");
  if (frame != grid.metadata().end() && !roi.frameOfReferenceUid.empty() &&
      frame->second != roi.frameOfReferenceUid) {
    throw Error(ErrorCode::GeometryMismatch, "RTSTRUCT ROI '" + roi.name +
                                                 "' is in frame of reference " +
                                                 roi.frameOfReferenceUid + ", the image in " +
                                                 frame->second + "; register the image first");
  }
  RasterizationReport r;
  const auto& g = grid.geometry();
  const long nx = static_cast<long>(grid.size().x), ny = static_cast<long>(grid.size().y),
             nz = static_cast<long>(grid.size().z);

  // Polygons in continuous index coordinates, grouped by slice.
  std::map<long, std::vector<std::vector<std::array<double, 2>>>> slices;
  for (const auto& c : roi.contours) {
    if (c.geometricType != "CLOSED_PLANAR" || c.points.size() < 3) {
      ++r.contoursNotClosed;
      continue;
    }
    std::vector<std::array<double, 2>> poly;
    double zSum = 0;
    double xMin = HUGE_VAL, xMax = -HUGE_VAL, yMin = HUGE_VAL, yMax = -HUGE_VAL;
    for (const auto& p : c.points) {
      const auto idx = g.physicalToIndex(p);
      if (!std::isfinite(idx[0]) || !std::isfinite(idx[1]) || !std::isfinite(idx[2])) {
        // The reader refuses non-finite ContourData; a finite point this far off (1e300 mm)
        // still overflows the index transform.
        throw Error(ErrorCode::CorruptData, "RTSTRUCT ROI '" + roi.name +
                                                "': a contour point maps to no finite position "
                                                "on the reference image grid");
      }
      poly.push_back({idx[0], idx[1]});
      zSum += idx[2];
      xMin = std::min(xMin, idx[0]), xMax = std::max(xMax, idx[0]);
      yMin = std::min(yMin, idx[1]), yMax = std::max(yMax, idx[1]);
    }
    const double z = zSum / static_cast<double>(c.points.size());
    const long k = std::lround(z);
    // Beyond the series first, so that a contour past the last slice at a fractional position
    // (another reconstruction) is reported as outside, not as between slices.
    if (z < -0.5 || z >= static_cast<double>(nz) - 0.5) {
      ++r.contoursOutside;
      continue;
    }
    if (std::abs(z - static_cast<double>(k)) > 0.25) {
      ++r.contoursOffSlice;
      continue;
    }
    // On a slice plane but beside the image: no voxel centre (integer index 0..n-1) can be
    // inside it, so the structure would be missing from the mask without a word.
    if (xMax < 0 || xMin > static_cast<double>(nx - 1) || yMax < 0 ||
        yMin > static_cast<double>(ny - 1)) {
      ++r.contoursBesideImage;
      continue;
    }
    slices[k].push_back(std::move(poly));
    ++r.contoursUsed;
  }
  if (report) *report = r;
  if (r.contoursUsed == 0) {
    throw Error(ErrorCode::EmptyInput, "RTSTRUCT ROI '" + roi.name + "': none of its " +
                                           std::to_string(roi.contours.size()) +
                                           " contours lies on a slice of the reference image (" +
                                           std::to_string(r.contoursOffSlice) +
                                           " between slices, " + std::to_string(r.contoursOutside) +
                                           " beyond the first or last slice, " +
                                           std::to_string(r.contoursBesideImage) +
                                           " beside the image in its plane); is it the right "
                                           "series?");
  }

  Image mask(PixelType::UInt8, {grid.size().x, grid.size().y, grid.size().z, 1}, 3, 1, g);
  auto m = mask.pixels<std::uint8_t>();
  std::vector<double> crossings;
  for (const auto& [k, polys] : slices) {
    for (long y = 0; y < ny; ++y) {
      const double yc = static_cast<double>(y);
      crossings.clear();
      for (const auto& poly : polys) {
        for (std::size_t i = 0; i < poly.size(); ++i) {
          const auto& a = poly[i];
          const auto& b = poly[(i + 1) % poly.size()];
          // Half-open rule: a vertex exactly on the scan line is counted once.
          if ((a[1] <= yc && yc < b[1]) || (b[1] <= yc && yc < a[1])) {
            crossings.push_back(a[0] + (yc - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
          }
        }
      }
      std::sort(crossings.begin(), crossings.end());
      for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
        // Clamped before the cast: a crossing far outside the image (a point 1e30 mm away) does
        // not fit a long, and only the part over the image matters.
        const auto column = [nx](double c) {
          return static_cast<long>(std::ceil(std::clamp(c, -1.0, static_cast<double>(nx))));
        };
        const long x0 = std::max(0L, column(crossings[i]));
        const long x1 = std::min(nx - 1, column(crossings[i + 1]) - 1);
        for (long x = x0; x <= x1; ++x) {
          // Even-odd across polygons: toggling makes nested contours holes.
          auto& v = m[static_cast<std::size_t>((k * ny + y) * nx + x)];
          v ^= 1;
        }
      }
    }
  }
  return mask;
}

}  // namespace medsight

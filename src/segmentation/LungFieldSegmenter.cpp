#include "segmentation/LungFieldSegmenter.h"

#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryFillholeImageFilter.h>
#include <itkBinaryMorphologicalClosingImageFilter.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <vector>

#include "core/Error.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/LargestComponentSelector.h"

namespace medsight {
namespace {

// 2D cross product of (a - o) and (b - o): > 0 for a counter-clockwise turn.
double turn(const std::array<double, 2>& o, const std::array<double, 2>& a,
            const std::array<double, 2>& b) {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

// Clears the air outside the convex hull of the body on each axial slice and the air connected
// to it in the slice. Lung cut by a small field of view (a crop around a tumour, as in the IBSI
// CT phantom) touches the image border but stays inside the hull and walled off from the air
// around the patient, where clearing all air connected to the border would delete it.
void keepAirInsideBodyHull(Image& air, const Image& body) {
  auto m = air.pixels<std::uint8_t>();
  const auto b = body.pixels<std::uint8_t>();
  const std::size_t nx = air.size().x, ny = air.size().y, plane = nx * ny;
  std::deque<std::size_t> queue;
  for (std::size_t z = 0; z < air.size().z; ++z) {
    // Andrew's monotone chain over the leftmost and rightmost body pixel of every row (pixel
    // corners, so a one-pixel-wide body still encloses its own pixels).
    std::vector<std::array<double, 2>> points;
    for (std::size_t y = 0; y < ny; ++y) {
      const std::uint8_t* row = b.data() + z * plane + y * nx;
      std::size_t lo = nx, hi = 0;
      for (std::size_t x = 0; x < nx; ++x) {
        if (row[x]) lo = std::min(lo, x), hi = x;
      }
      if (lo == nx) continue;
      for (double dy : {-0.5, 0.5}) {
        points.push_back({static_cast<double>(lo) - 0.5, static_cast<double>(y) + dy});
        points.push_back({static_cast<double>(hi) + 0.5, static_cast<double>(y) + dy});
      }
    }
    std::uint8_t* slice = m.data() + z * plane;
    if (points.size() < 3) {
      std::fill(slice, slice + plane, 0);
      continue;
    }
    std::sort(points.begin(), points.end());
    std::vector<std::array<double, 2>> hull(2 * points.size());
    std::size_t k = 0;
    for (const auto& p : points) {
      while (k >= 2 && turn(hull[k - 2], hull[k - 1], p) <= 0) --k;
      hull[k++] = p;
    }
    for (std::size_t i = points.size() - 1, lower = k + 1; i-- > 0;) {
      while (k >= lower && turn(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
      hull[k++] = points[i];
    }
    hull.resize(k - 1);
    // Each row's pixel centres inside the (convex) hull form one span.
    for (std::size_t y = 0; y < ny; ++y) {
      const double yc = static_cast<double>(y);
      double lo = 1e300, hi = -1e300;
      for (std::size_t e = 0; e < hull.size(); ++e) {
        const auto& p = hull[e];
        const auto& q = hull[(e + 1) % hull.size()];
        if ((p[1] - yc) * (q[1] - yc) > 0) continue;  // edge does not reach this row
        if (p[1] == q[1]) {
          lo = std::min({lo, p[0], q[0]}), hi = std::max({hi, p[0], q[0]});
        } else {
          const double x = p[0] + (yc - p[1]) * (q[0] - p[0]) / (q[1] - p[1]);
          lo = std::min(lo, x), hi = std::max(hi, x);
        }
      }
      for (std::size_t x = 0; x < nx; ++x) {
        const double xc = static_cast<double>(x);
        if ((xc < lo || xc > hi) && slice[y * nx + x]) {
          slice[y * nx + x] = 0;
          queue.push_back(y * nx + x);
        }
      }
    }
    // Air in a concavity of the body (between a limb and the trunk) is inside the hull but
    // open to the air outside it: cleared with it. Lung is walled off from that air.
    while (!queue.empty()) {
      const std::size_t i = queue.front();
      queue.pop_front();
      const std::size_t x = i % nx, y = i / nx;
      auto clear = [&](std::size_t j) {
        if (slice[j]) slice[j] = 0, queue.push_back(j);
      };
      if (x > 0) clear(i - 1);
      if (x + 1 < nx) clear(i + 1);
      if (y > 0) clear(i - nx);
      if (y + 1 < ny) clear(i + nx);
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
  // The body: the largest 3D component of everything denser than air (the table and other
  // limbs are separate components and do not widen its hull).
  Image tissue(PixelType::UInt8, air.size(), 3, 1, ct.geometry());
  {
    const auto a = air.pixels<std::uint8_t>();
    auto t = tissue.pixels<std::uint8_t>();
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = a[i] ? 0 : 1;
  }
  const Image body = LargestComponentSelector::keep(tissue, 1);
  keepAirInsideBodyHull(air, body);

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

  // Volumes, sides and extent. Sides follow the mediastinum, not the image centre (the body is
  // rarely centred in the field of view): the lung mask's column profile along the image axis
  // closest to patient left-right is searched for a valley (the gap between two lungs, or the
  // narrowing where touching lungs meet in front of the heart) in the middle 60 % of its extent.
  // Without a valley (one lung, or a crop showing one) the whole mask goes to the side of the
  // body's centre it lies on. LPS: +x is patient left.
  const auto m = lungs.pixels<std::uint8_t>();
  const std::size_t nx = ct.size().x, ny = ct.size().y, nz = ct.size().z;
  const auto& dir = ct.geometry().direction;
  // The image axis most aligned with patient x, and whether increasing index goes to the left.
  int lrAxis = 0;
  for (int a = 1; a < 3; ++a) {
    if (std::abs(dir[static_cast<std::size_t>(a)]) >
        std::abs(dir[static_cast<std::size_t>(lrAxis)]))
      lrAxis = a;
  }
  const bool indexToLeft = dir[static_cast<std::size_t>(lrAxis)] > 0;
  const std::array<std::size_t, 3> n{nx, ny, nz};
  std::vector<double> profile(n[static_cast<std::size_t>(lrAxis)], 0.0);
  double bodyIndexSum = 0.0, bodyCount = 0.0;
  const auto b = body.pixels<std::uint8_t>();
  for (std::size_t z = 0, i = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x, ++i) {
        const std::array<std::size_t, 3> idx{x, y, z};
        const std::size_t c = idx[static_cast<std::size_t>(lrAxis)];
        if (m[i]) profile[c] += 1.0;
        if (b[i]) bodyIndexSum += static_cast<double>(c), bodyCount += 1.0;
      }
  long first = -1, last = -1;
  for (std::size_t c = 0; c < profile.size(); ++c) {
    if (profile[c] > 0) {
      if (first < 0) first = static_cast<long>(c);
      last = static_cast<long>(c);
    }
  }
  // Columns <= split belong to the low-index side; split = -1 or last puts all on one side.
  long split = -1;
  if (first >= 0) {
    const long width = last - first + 1;
    const long lo = first + width / 5, hi = last - width / 5;
    long best = -1;
    for (long c = lo; c <= hi; ++c) {
      if (best < 0 ||
          profile[static_cast<std::size_t>(c)] < profile[static_cast<std::size_t>(best)])
        best = c;
    }
    if (best >= 0) {
      const double leftPeak =
          *std::max_element(profile.begin() + first, profile.begin() + best + 1);
      const double rightPeak =
          *std::max_element(profile.begin() + best, profile.begin() + last + 1);
      if (profile[static_cast<std::size_t>(best)] <= 0.25 * std::min(leftPeak, rightPeak)) {
        split = best;
      }
    }
    if (split < 0) {
      // One lung: which side of the body's centre is its centre of mass on?
      double sum = 0.0, count = 0.0;
      for (std::size_t c = 0; c < profile.size(); ++c) {
        sum += static_cast<double>(c) * profile[c];
        count += profile[c];
      }
      const double bodyCentre =
          bodyCount > 0 ? bodyIndexSum / bodyCount : (profile.size() - 1) / 2.0;
      split = (sum / count < bodyCentre) ? last : -1;
    }
    r.sidesSeparated = split >= first && split < last;
  }
  std::size_t slicesWithLung = 0;
  for (std::size_t z = 0; z < nz; ++z) {
    bool any = false;
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) {
        if (!m[(z * ny + y) * nx + x]) continue;
        any = true;
        const std::array<std::size_t, 3> idx{x, y, z};
        const bool lowSide = static_cast<long>(idx[static_cast<std::size_t>(lrAxis)]) <= split;
        (lowSide != indexToLeft ? r.leftVolumeMl : r.rightVolumeMl) += voxelMl;
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

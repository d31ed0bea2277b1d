#include "preprocess/MaskComparison.h"

#include <itkSignedMaurerDistanceMapImageFilter.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "preprocess/IntensityStatistics.h"
#include "preprocess/ItkScalarFilterRunner.h"

namespace medsight {
namespace {

void requireComparable(const Image& a, const Image& b) {
  if (a.components() != 1 || b.components() != 1 || a.size().t != 1 || b.size().t != 1) {
    throw Error(ErrorCode::InvalidArgument, "mask comparison: masks must be single-frame scalar");
  }
  if (!a.sameGrid(b, 1e-3)) {
    throw Error(ErrorCode::GeometryMismatch,
                "mask comparison: the masks do not share a voxel grid; resample one onto the "
                "other first");
  }
}

// Surface voxels: inside voxels with a face neighbour outside (or on the image border).
std::vector<std::size_t> surface(const Image& b) {
  const auto px = b.pixels<std::uint8_t>();
  const auto& s = b.size();
  std::vector<std::size_t> out;
  const long sx = static_cast<long>(s.x), sy = static_cast<long>(s.y), sz = static_cast<long>(s.z);
  auto inside = [&](long x, long y, long z) {
    if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) return false;
    return px[static_cast<std::size_t>((z * sy + y) * sx + x)] != 0;
  };
  for (long z = 0; z < sz; ++z) {
    for (long y = 0; y < sy; ++y) {
      for (long x = 0; x < sx; ++x) {
        if (!inside(x, y, z)) continue;
        bool edge = !inside(x - 1, y, z) || !inside(x + 1, y, z) || !inside(x, y - 1, z) ||
                    !inside(x, y + 1, z);
        if (b.spatialDimension() == 3) edge = edge || !inside(x, y, z - 1) || !inside(x, y, z + 1);
        if (edge) out.push_back(static_cast<std::size_t>((z * sy + y) * sx + x));
      }
    }
  }
  return out;
}

// Distance (mm) from every voxel to the nearest surface voxel of `b`.
Image distanceToSurface(const Image& b) {
  Image edges(PixelType::UInt8, b.size(), b.spatialDimension(), 1, b.geometry());
  auto e = edges.pixels<std::uint8_t>();
  for (std::size_t i : surface(b)) e[i] = 1;
  return itk_runner::filterFloat(edges, "surface distance", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    auto f = itk::SignedMaurerDistanceMapImageFilter<T, T>::New();
    f->SetInput(in);
    f->SetUseImageSpacing(true);
    f->SetSquaredDistance(false);
    f->SetInsideIsPositive(false);
    f->SetBackgroundValue(0.0f);
    f->Update();
    typename T::Pointer out = f->GetOutput();
    return out;
  });
}

std::vector<float> directed(const std::vector<std::size_t>& from, const Image& toDistance) {
  const auto d = toDistance.pixels<float>();
  std::vector<float> out;
  out.reserve(from.size());
  // Surface voxels of one mask lying on the other's surface have distance 0 (map value <= 0).
  for (std::size_t i : from) out.push_back(std::max(0.0f, d[i]));
  return out;
}

// Voxel counts of two binary masks on one grid and of their intersection.
struct Overlap {
  std::size_t a = 0, b = 0, both = 0;
};

Overlap overlapOf(const Image& a, const Image& b) {
  const auto pa = a.pixels<std::uint8_t>(), pb = b.pixels<std::uint8_t>();
  Overlap o;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    o.a += pa[i];
    o.b += pb[i];
    o.both += pa[i] & pb[i];
  }
  return o;
}

double diceOf(const Overlap& o) {
  return o.a + o.b == 0 ? 1.0 : 2.0 * static_cast<double>(o.both) / static_cast<double>(o.a + o.b);
}

// Volume (ml) of `count` voxels of `image`'s grid.
double millilitres(std::size_t count, const Image& image) {
  const auto& sp = image.geometry().spacing;
  const double voxel = sp[0] * sp[1] * (image.spatialDimension() == 3 ? sp[2] : 1.0);
  return static_cast<double>(count) * voxel / 1000.0;
}

}  // namespace

double MaskComparison::volumeMl(const Image& mask) {
  const Image b = binary(mask);
  std::size_t n = 0;
  for (auto v : b.pixels<std::uint8_t>()) n += v;
  return millilitres(n, mask);
}

double MaskComparison::dice(const Image& mask, const Image& reference) {
  requireComparable(mask, reference);
  return diceOf(overlapOf(binary(mask), binary(reference)));
}

MaskAgreement MaskComparison::compare(const Image& mask, const Image& reference) {
  requireComparable(mask, reference);
  const Image a = binary(mask), b = binary(reference);
  const Overlap o = overlapOf(a, b);
  const std::size_t na = o.a, nb = o.b;
  MaskAgreement r;
  r.dice = diceOf(o);
  const std::size_t uni = na + nb - o.both;
  r.jaccard = uni == 0 ? 1.0 : static_cast<double>(o.both) / static_cast<double>(uni);
  // The counts above are the volumes: no second binarisation and count per mask.
  r.volumeMl = millilitres(na, mask);
  r.referenceVolumeMl = millilitres(nb, reference);
  if (nb > 0) r.volumeErrorPercent = (r.volumeMl - r.referenceVolumeMl) / r.referenceVolumeMl * 100;
  if (na == 0 || nb == 0) return r;

  const auto sa = surface(a), sb = surface(b);
  const auto ab = directed(sa, distanceToSurface(b));
  const auto ba = directed(sb, distanceToSurface(a));
  const IntensityStatistics dab{std::vector<float>(ab)}, dba{std::vector<float>(ba)};
  r.hausdorff95Mm = std::max(dab.percentile(95), dba.percentile(95));
  r.meanSurfaceDistanceMm = (dab.mean() * static_cast<double>(dab.count()) +
                             dba.mean() * static_cast<double>(dba.count())) /
                            static_cast<double>(dab.count() + dba.count());
  return r;
}

Image MaskComparison::binary(const Image& mask) {
  Image b(PixelType::UInt8, {mask.size().x, mask.size().y, mask.size().z, 1},
          mask.spatialDimension(), 1, mask.geometry());
  auto out = b.pixels<std::uint8_t>();
  visitPixelType(mask.pixelType(), [&](auto tag) {
    using T = decltype(tag);
    const auto in = mask.pixels<T>();
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = in[i] != T(0);
  });
  return b;
}

}  // namespace medsight

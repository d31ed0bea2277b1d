#include "radiomics/SpatialAutocorrelation.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

struct PairSums {
  double weights = 0;     // sum over ordered pairs k != k' of w
  double covariance = 0;  // sum of w d_k d_k'
  double difference = 0;  // sum of w (d_k - d_k')^2
};

SpatialAutocorrelation::Result finish(const PairSums& s, double n, double sumSq) {
  if (n < 2 || sumSq <= 0 || s.weights <= 0) return {NAN, NAN};
  return {n * s.covariance / (s.weights * sumSq),
          (n - 1) * s.difference / (2.0 * s.weights * sumSq)};
}

struct Deviations {
  double n = 0, mean = 0, sumSq = 0;
};

Deviations deviations(const RoiVolume& roi) {
  Deviations d;
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    if (!roi.intensityMask[i]) continue;
    d.n += 1;
    d.mean += roi.intensity[i];
  }
  d.mean /= std::max(1.0, d.n);
  for (std::size_t i = 0; i < roi.voxelCount(); ++i) {
    if (roi.intensityMask[i]) d.sumSq += (roi.intensity[i] - d.mean) * (roi.intensity[i] - d.mean);
  }
  return d;
}

// FFTW's planner is not thread-safe; execution of distinct plans is.
std::mutex gPlannerMutex;

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};
template <class T>
using FftwBuffer = std::unique_ptr<T, FftwFree>;

struct PlanDestroy {
  void operator()(fftw_plan_s* p) const {
    std::lock_guard lock(gPlannerMutex);
    fftw_destroy_plan(p);
  }
};
using Plan = std::unique_ptr<fftw_plan_s, PlanDestroy>;

}  // namespace

SpatialAutocorrelation::Result SpatialAutocorrelation::computeDirect(const RoiVolume& roi,
                                                                     int threads) {
  const Deviations stats = deviations(roi);
  std::vector<double> px, py, pz, dev;
  for (std::size_t z = 0; z < roi.size[2]; ++z) {
    for (std::size_t y = 0; y < roi.size[1]; ++y) {
      for (std::size_t x = 0; x < roi.size[0]; ++x) {
        const std::size_t i = roi.index(x, y, z);
        if (!roi.intensityMask[i]) continue;
        px.push_back(double(x) * roi.spacing[0]);
        py.push_back(double(y) * roi.spacing[1]);
        pz.push_back(double(z) * roi.spacing[2]);
        dev.push_back(roi.intensity[i] - stats.mean);
      }
    }
  }
  const std::size_t n = dev.size();
  const int workers = std::max(1, std::min<int>(threads, int(n / 1024) + 1));
  std::vector<PairSums> partial(static_cast<std::size_t>(workers));
  auto work = [&](int worker) {
    PairSums s;
    // Interleaved rows balance the triangular loop; sums over k < k' are doubled below.
    for (std::size_t k = std::size_t(worker); k + 1 < n; k += std::size_t(workers)) {
      double w = 0, c = 0, d = 0;
      for (std::size_t j = k + 1; j < n; ++j) {
        const double dx = px[j] - px[k], dy = py[j] - py[k], dz = pz[j] - pz[k];
        const double weight = 1.0 / std::sqrt(dx * dx + dy * dy + dz * dz);
        const double diff = dev[j] - dev[k];
        w += weight;
        c += weight * dev[j];
        d += weight * diff * diff;
      }
      s.weights += 2 * w;
      s.covariance += 2 * dev[k] * c;
      s.difference += 2 * d;
    }
    partial[std::size_t(worker)] = s;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  PairSums total;
  for (const auto& s : partial) {
    total.weights += s.weights;
    total.covariance += s.covariance;
    total.difference += s.difference;
  }
  return finish(total, stats.n, stats.sumSq);
}

SpatialAutocorrelation::Result SpatialAutocorrelation::compute(const RoiVolume& roi,
                                                               std::size_t directLimit) {
  const Deviations stats = deviations(roi);
  if (stats.n <= double(directLimit)) return computeDirect(roi, 1);
  // Linear (not circular) convolution needs at least 2n - 1 samples per axis.
  const int nx = int(roi.size[0]), ny = int(roi.size[1]), nz = int(roi.size[2]);
  const int px = 2 * nx, py = 2 * ny, pz = 2 * nz;
  const std::size_t real = std::size_t(px) * py * pz;
  const std::size_t complex = std::size_t(px) * py * (pz / 2 + 1);
  auto allocReal = [&] {
    FftwBuffer<double> b(fftw_alloc_real(real));
    if (!b) throw Error(ErrorCode::TooLarge, "Moran's I: cannot allocate the FFT grid");
    std::fill(b.get(), b.get() + real, 0.0);
    return b;
  };
  auto allocComplex = [&] {
    FftwBuffer<fftw_complex> b(fftw_alloc_complex(complex));
    if (!b) throw Error(ErrorCode::TooLarge, "Moran's I: cannot allocate the FFT grid");
    return b;
  };
  // FFTW arrays are row-major with the last index fastest: index (x, y, z) as [x][y][z].
  auto at = [&](int x, int y, int z) { return (std::size_t(x) * py + y) * pz + z; };
  FftwBuffer<double> mask = allocReal(), dev = allocReal(), kernel = allocReal(),
                     work = allocReal();
  for (int z = 0; z < nz; ++z) {
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        const std::size_t i = roi.index(x, y, z);
        if (!roi.intensityMask[i]) continue;
        mask.get()[at(x, y, z)] = 1.0;
        dev.get()[at(x, y, z)] = roi.intensity[i] - stats.mean;
      }
    }
  }
  // w(o) = 1 / |o| (mm) for offsets -(n-1)..(n-1), stored with wrap-around; w(0) = 0 excludes k =
  // k'.
  for (int ox = -(nx - 1); ox < nx; ++ox) {
    for (int oy = -(ny - 1); oy < ny; ++oy) {
      for (int oz = -(nz - 1); oz < nz; ++oz) {
        if (!ox && !oy && !oz) continue;
        const double d =
            std::sqrt(std::pow(ox * roi.spacing[0], 2) + std::pow(oy * roi.spacing[1], 2) +
                      std::pow(oz * roi.spacing[2], 2));
        kernel.get()[at((ox + px) % px, (oy + py) % py, (oz + pz) % pz)] = 1.0 / d;
      }
    }
  }
  FftwBuffer<fftw_complex> kernelHat = allocComplex(), hat = allocComplex();
  Plan forward, backward;
  {
    std::lock_guard lock(gPlannerMutex);
    forward.reset(fftw_plan_dft_r2c_3d(px, py, pz, work.get(), hat.get(), FFTW_ESTIMATE));
    backward.reset(fftw_plan_dft_c2r_3d(px, py, pz, hat.get(), work.get(), FFTW_ESTIMATE));
  }
  if (!forward || !backward) throw Error(ErrorCode::Internal, "FFTW could not plan the transforms");
  fftw_execute_dft_r2c(forward.get(), kernel.get(), kernelHat.get());
  // (b * w) for b = mask and b = deviations; FFTW's inverse is unnormalised.
  auto convolve = [&](const double* b) {
    std::copy(b, b + real, work.get());
    fftw_execute_dft_r2c(forward.get(), work.get(), hat.get());
    for (std::size_t i = 0; i < complex; ++i) {
      const double re =
          hat.get()[i][0] * kernelHat.get()[i][0] - hat.get()[i][1] * kernelHat.get()[i][1];
      const double im =
          hat.get()[i][0] * kernelHat.get()[i][1] + hat.get()[i][1] * kernelHat.get()[i][0];
      hat.get()[i][0] = re / double(real);
      hat.get()[i][1] = im / double(real);
    }
    fftw_execute_dft_c2r(backward.get(), hat.get(), work.get());
    return std::vector<double>(work.get(), work.get() + real);
  };
  const std::vector<double> maskConv = convolve(mask.get());
  const std::vector<double> devConv = convolve(dev.get());
  PairSums s;
  double squaresWeighted = 0;
  for (int z = 0; z < nz; ++z) {
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        const std::size_t i = at(x, y, z);
        if (mask.get()[i] == 0) continue;
        const double d = dev.get()[i];
        s.weights += maskConv[i];
        s.covariance += d * devConv[i];
        squaresWeighted += d * d * maskConv[i];
      }
    }
  }
  // sum_{k != k'} w (d_k - d_k')^2 = 2 sum_k d_k^2 (m * w)(k) - 2 sum_k d_k (d * w)(k).
  s.difference = 2 * squaresWeighted - 2 * s.covariance;
  return finish(s, stats.n, stats.sumSq);
}

}  // namespace medsight

// Preprocessing steps on the cohort's MR T1 volumes: time per step and, for the denoisers, how
// much of a known added noise each removes (PSNR against the image before the noise was added).
// With --python-peer the same noisy volumes go through scikit-image / SciPy (Debian
// python3-skimage, python3-scipy) in the same run: median (must equal MedSight's voxel for
// voxel), non-local means at scikit-image's recommended setting, CLAHE, unsharp mask, and linear
// and cubic B-spline resampling to the same grid (must agree inside the volume). CLAHE and
// non-local means are implemented differently (MedSight: OpenCV's CLAHE and fast NLM, and ITK's
// adaptive histogram equalisation and patch-based denoiser as alternatives; scikit-image: its own
// CLAHE and windowed NLM), so for them the figures are time and PSNR, not equality. The NLM
// defaults were chosen on the first volume (STS_001): `--skip 1` measures on the others.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "StsBenchSupport.h"
#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "io/NpzWriter.h"
#include "preprocess/IntensityStatistics.h"
#include "preprocess/PreprocessPipeline.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace medsight;

namespace {

struct StepCase {
  std::string label;
  json step;
  bool denoiser = false;
};

/// PSNR in dB over the non-zero field of view of `clean` (zero-filled corners of resliced crops
/// left out), with the 99th percentile of the clean field of view as the peak.
double psnr(const Image& clean, const Image& test, double peak) {
  const auto c = clean.pixels<float>();
  const auto t = test.pixels<float>();
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c[i] == 0.0f) continue;
    const double d = static_cast<double>(t[i]) - c[i];
    sum += d * d;
    ++n;
  }
  return 10.0 * std::log10(peak * peak / (sum / static_cast<double>(n)));
}

void addGeometry(NpzWriter& npz, const std::string& prefix, const Image& image) {
  const auto& g = image.geometry();
  std::vector<double> origin(g.origin.begin(), g.origin.end());
  std::vector<double> spacing(g.spacing.begin(), g.spacing.end());
  std::vector<double> direction(g.direction.begin(), g.direction.end());  // row-major
  auto add = [&](const std::string& name, const std::vector<double>& v,
                 std::vector<std::size_t> shape) {
    npz.add(prefix + name, "<f8", shape,
            std::as_bytes(std::span<const double>(v.data(), v.size())));
  };
  add("origin", origin, {3});
  add("spacing", spacing, {3});
  add("direction", direction, {3, 3});
}

std::vector<std::size_t> zyx(const Image& image) {
  return {image.size().z, image.size().y, image.size().x};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    fs::path data;
    int volumes = 4, threads = 2;
    double noiseFraction = 0.05;
    json nlmStep = {{"step", "non_local_means"}};  // MedSight's defaults unless given
    int skip = 0;
    std::string only;                   // run only the steps whose label contains this
    std::vector<std::string> leaveOut;  // leave out the steps whose label contains one of these
    bool pythonPeer = false;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&] {
        if (i + 1 >= argc) throw Error(ErrorCode::InvalidArgument, a + " needs a value");
        return std::string(argv[++i]);
      };
      if (a == "--data")
        data = next();
      else if (a == "--volumes")
        volumes = std::stoi(next());
      else if (a == "--threads")
        threads = std::stoi(next());
      else if (a == "--noise")
        noiseFraction = std::stod(next());
      else if (a == "--python-peer")
        pythonPeer = true;
      else if (a == "--nlm-step")
        nlmStep = json::parse(next());
      else if (a == "--skip")
        skip = std::stoi(next());
      else if (a == "--only")
        only = next();
      else if (a == "--leave-out")
        leaveOut.push_back(next());
      else
        throw Error(
            ErrorCode::InvalidArgument,
            "unknown option " + a +
                " (known: --data DIR --volumes N --skip N --threads N --noise F --nlm-step JSON "
                "--leave-out TEXT --only TEXT --python-peer)");
    }
    if (data.empty()) {
      const auto found = bench::stsNiftiOrSkip();
      if (!found) return 77;  // ctest SKIP_RETURN_CODE
      data = *found;
    }
    PreprocessPipeline::useThreads(threads);

    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(data)) {
      if (fs::exists(e.path() / "MR_T1_image.nii.gz"))
        files.push_back(e.path() / "MR_T1_image.nii.gz");
    }
    std::sort(files.begin(), files.end());
    // --skip leaves out the first volumes (e.g. one used to choose a default setting).
    files.erase(files.begin(), files.begin() + std::min<std::ptrdiff_t>(skip, files.size()));
    if (volumes > 0 && static_cast<int>(files.size()) > volumes) files.resize(volumes);
    if (files.empty())
      throw Error(ErrorCode::FileNotFound, "no MR_T1_image.nii.gz under " + data.string());

    // Settings a user would start from: MedSight's defaults, 1 mm isotropic for resampling.
    std::vector<StepCase> cases = {
        {"median r1", {{"step", "median"}, {"radius", {1, 1, 1}}}, true},
        {"curvature diffusion", {{"step", "curvature_diffusion"}}, true},
        {"non-local means", nlmStep, true},
        {"non-local means itk", {{"step", "non_local_means"}, {"method", "itk"}}, true},
        {"clahe", {{"step", "clahe"}}, false},
        {"adaptive hist. eq. itk", {{"step", "adaptive_histogram_equalization"}}, false},
        {"unsharp mask", {{"step", "unsharp_mask"}}, false},
        {"resample 1mm linear",
         {{"step", "resample"}, {"spacing", {1.0, 1.0, 1.0}}, {"interpolation", "linear"}},
         false},
        {"resample 1mm bspline",
         {{"step", "resample"}, {"spacing", {1.0, 1.0, 1.0}}, {"interpolation", "bspline"}},
         false},
    };
    if (!only.empty()) {
      if (pythonPeer)
        throw Error(ErrorCode::InvalidArgument, "--only and --python-peer exclude each other");
      std::erase_if(cases,
                    [&](const StepCase& c) { return c.label.find(only) == std::string::npos; });
    }
    // The peer has no counterpart for ITK's own steps, so leaving them out keeps it comparable.
    for (const auto& text : leaveOut)
      std::erase_if(cases,
                    [&](const StepCase& c) { return c.label.find(text) != std::string::npos; });
    if (cases.empty()) throw Error(ErrorCode::InvalidArgument, "every step was left out");
    const fs::path peerDir =
        fs::temp_directory_path() / ("medsight-bench-preprocess-" + std::to_string(::getpid()));
    if (pythonPeer) fs::create_directories(peerDir);

    std::map<std::string, double> seconds, psnrGain;
    double noisyPsnrSum = 0;
    std::printf("%-10s %-16s %-22s %9s %9s\n", "volume", "voxels", "step", "seconds", "PSNR_dB");
    for (const auto& f : files) {
      const std::string id = f.parent_path().filename().string();
      const Image clean = ImageFileReader::read(f).castTo(PixelType::Float32);
      const Image fov = [&] {
        Image m(PixelType::UInt8, clean.size(), clean.spatialDimension(), 1, clean.geometry());
        auto mp = m.pixels<std::uint8_t>();
        const auto cp = clean.pixels<float>();
        for (std::size_t i = 0; i < cp.size(); ++i) mp[i] = cp[i] != 0.0f;
        return m;
      }();
      const double peak = IntensityStatistics::collect(clean, &fov).percentile(99.0);
      // Additive Gaussian noise of a fixed fraction of the peak, the same seed for every run, so
      // the peer and MedSight denoise the same volume.
      Image noisy = clean;
      {
        std::mt19937 rng(20261126);
        std::normal_distribution<float> noise(0.0f, static_cast<float>(noiseFraction * peak));
        for (auto& v : noisy.pixels<float>()) v += noise(rng);
      }
      const double noisyPsnr = psnr(clean, noisy, peak);
      noisyPsnrSum += noisyPsnr;
      const auto& s = clean.geometry().spacing;
      std::printf("%-10s %-16s %-22s %9s %9.2f   (spacing %.2f x %.2f x %.2f mm)\n", id.c_str(),
                  (std::to_string(clean.size().x) + "x" + std::to_string(clean.size().y) + "x" +
                   std::to_string(clean.size().z))
                      .c_str(),
                  "noisy input", "", noisyPsnr, s[0], s[1], s[2]);

      std::unique_ptr<NpzWriter> npz;
      if (pythonPeer) {
        npz = std::make_unique<NpzWriter>(peerDir / (id + ".npz"), false);
        npz->addFloat32("clean", zyx(clean), clean.pixels<float>());
        npz->addFloat32("noisy", zyx(noisy), noisy.pixels<float>());
        npz->addFloat32("peak", {1}, std::vector<float>{static_cast<float>(peak)});
        addGeometry(*npz, "input_", clean);
      }
      for (const auto& c : cases) {
        PreprocessPipeline pipeline;
        pipeline.add(c.step);
        const auto t0 = std::chrono::steady_clock::now();
        const Image out = pipeline.run(noisy).castTo(PixelType::Float32);
        const double t =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        seconds[c.label] += t;
        if (c.denoiser) {
          const double p = psnr(clean, out, peak);
          psnrGain[c.label] += p - noisyPsnr;
          std::printf("%-10s %-16s %-22s %9.2f %9.2f\n", id.c_str(), "", c.label.c_str(), t, p);
        } else {
          std::printf("%-10s %-16s %-22s %9.2f %9s\n", id.c_str(), "", c.label.c_str(), t, "");
        }
        if (npz) {
          std::string key = c.label;
          std::replace(key.begin(), key.end(), ' ', '_');
          npz->addFloat32("medsight_" + key, zyx(out), out.pixels<float>());
          npz->addFloat32("seconds_" + key, {1}, std::vector<float>{static_cast<float>(t)});
          if (c.label.rfind("resample", 0) == 0) addGeometry(*npz, "grid_" + key + "_", out);
        }
      }
      if (npz) npz->close();
    }
    const double n = static_cast<double>(files.size());
    std::printf(
        "\nMedSight (ITK and OpenCV, %d threads), mean over %zu volumes, noise %.0f%% of the 99th "
        "percentile (input PSNR %.2f dB):\n",
        threads, files.size(), 100 * noiseFraction, noisyPsnrSum / n);
    for (const auto& c : cases) {
      if (c.denoiser) {
        std::printf("  %-22s %8.2f s  PSNR gain %+6.2f dB\n", c.label.c_str(), seconds[c.label] / n,
                    psnrGain[c.label] / n);
      } else {
        std::printf("  %-22s %8.2f s\n", c.label.c_str(), seconds[c.label] / n);
      }
    }
    // The peer fails when its median or resampling differs from ours beyond tolerance.
    if (pythonPeer && !bench::runPythonPeer(MEDSIGHT_BENCH_DIR, "preprocess_peer.py",
                                            peerDir.string(), peerDir)) {
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: %s\n", e.what());
    return 1;
  }
}

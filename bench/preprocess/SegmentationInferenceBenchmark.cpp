// Tumour segmentation per volume: time of the whole `medsight segment` path (preprocessing
// replay, sliding-window U-Net inference with mirroring over the fold ensemble, resampling back,
// threshold, largest component) and of the network part alone, and peak memory, over the
// cohort's MR volumes. With --python-peer, the same networks (same weights, same preprocessed
// input, same tiles, same threads) run in PyTorch from Python (Debian python3-torch) in the
// same run, for comparison. A package that ensembles further configurations (a 3D U-Net next to
// the 2.5D one) is timed whole end to end; the network figure and the peer cover its primary
// configuration. A package with auxiliary channels (PET beside MR) reads each case's auxiliary
// files from the same folder; the peer is given them mapped onto the working grid, as the
// primary configuration reads them.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "StsBenchSupport.h"
#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "io/NpzWriter.h"
#include "preprocess/PreprocessPipeline.h"
#include "segmentation/SegmentationNetworkEnsemble.h"
#include "segmentation/TumourSegmenter.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace medsight;

namespace {

double peakRssMb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

double currentRssMb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    fs::path model = fs::path(MEDSIGHT_SOURCE_DIR) / "models" / "sts-mr-t1-unet";
    fs::path data;
    int volumes = 0, threads = 2, skip = 0;
    bool pythonPeer = false;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&] {
        if (i + 1 >= argc) throw Error(ErrorCode::InvalidArgument, a + " needs a value");
        return std::string(argv[++i]);
      };
      if (a == "--model")
        model = next();
      else if (a == "--data")
        data = next();
      else if (a == "--volumes")
        volumes = std::stoi(next());
      else if (a == "--threads")
        threads = std::stoi(next());
      else if (a == "--skip")
        skip = std::stoi(next());
      else if (a == "--python-peer")
        pythonPeer = true;
      else
        throw Error(ErrorCode::InvalidArgument,
                    "unknown option " + a +
                        " (known: --model DIR --data DIR --volumes N --skip N --threads N "
                        "--python-peer)");
    }
    if (data.empty()) {
      const auto found = bench::stsNiftiOrSkip();
      if (!found) return 77;  // ctest SKIP_RETURN_CODE
      data = *found;
    }
    const double baseRss = currentRssMb();
    const TumourSegmenter segmenter(model, threads);
    const auto& manifest = segmenter.manifest();
    const SegmentationNetworkEnsemble ensemble(
        manifest.network,
        [&] {
          std::vector<fs::path> w;
          for (const auto& m : manifest.members) w.push_back(model / m.file);
          return w;
        }(),
        threads);
    const double loadedRss = currentRssMb();
    const std::string imageFile = manifest.training.value("config", json::object())
                                      .value("data", json::object())
                                      .value("image", "MR_T1_image.nii.gz");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(data)) {
      if (fs::exists(e.path() / imageFile)) files.push_back(e.path() / imageFile);
    }
    std::sort(files.begin(), files.end());
    // --skip leaves out the first volumes (the smoke test skips STS_001, the largest crop).
    files.erase(files.begin(), files.begin() + std::min<std::ptrdiff_t>(skip, files.size()));
    if (volumes > 0 && static_cast<int>(files.size()) > volumes) files.resize(volumes);

    const auto pipeline = PreprocessPipeline::fromJson(manifest.preprocessing, "bench");
    const fs::path peerDir =
        fs::temp_directory_path() / ("medsight-bench-unet-" + std::to_string(::getpid()));
    if (pythonPeer) fs::create_directories(peerDir);
    std::printf("%-40s %12s %9s %9s\n", "volume", "voxels", "total_s", "network_s");
    double total = 0, network = 0;
    std::size_t n = 0;
    for (const auto& f : files) {
      Image image = ImageFileReader::read(f);
      image.setModality(manifest.modality);
      // Warm-up on the first volume is part of the first figure, as a user would see it.
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<Image> auxiliary;
      std::vector<const Image*> auxiliaryViews;
      for (const auto& a : manifest.auxiliary) {
        auxiliary.push_back(ImageFileReader::read(f.parent_path() / a.file));
      }
      for (const auto& a : auxiliary) auxiliaryViews.push_back(&a);
      const auto s = segmenter.segment(image, auxiliaryViews);
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const Image working = pipeline.run(image).castTo(PixelType::Float32);
      std::vector<Image> mapped;
      std::vector<const Image*> stack{&working};
      for (std::size_t a = 0; a < auxiliary.size(); ++a) {
        mapped.push_back(manifest.auxiliary[a].onto(auxiliary[a], working));
      }
      for (int c = 1; c < manifest.inference.imageChannels; ++c) stack.push_back(&mapped[c - 1]);
      const auto t1 = std::chrono::steady_clock::now();
      const Image probability = ensemble.probability(stack, manifest.inference);
      const double tn =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      std::printf("%-40s %12zu %9.2f %9.2f\n", f.parent_path().filename().string().c_str(),
                  image.voxelsPerFrame(), t, tn);
      total += t;
      network += tn;
      ++n;
      if (pythonPeer) {
        NpzWriter npz(peerDir / (f.parent_path().filename().string() + ".npz"), false);
        npz.addFloat32("image", {working.size().z, working.size().y, working.size().x},
                       working.pixels<float>());
        for (std::size_t a = 1; a < stack.size(); ++a) {  // the primary's auxiliary channels
          npz.addFloat32("aux" + std::to_string(a - 1),
                         {working.size().z, working.size().y, working.size().x},
                         stack[a]->pixels<float>());
        }
        npz.addFloat32("network_seconds", {1}, std::vector<float>{static_cast<float>(tn)});
        // The peer checks its output against this one, so that both timings are of the same work.
        npz.addFloat32("probability", {working.size().z, working.size().y, working.size().x},
                       probability.pixels<float>());
        npz.close();
      }
    }
    std::printf(
        "\nMedSight (C++/LibTorch, %d threads): %.2f s per volume end to end (%zu "
        "configuration(s)), %.2f s network of the primary configuration (%zu members, %s, mirror "
        "%s), %zu volumes\n",
        threads, total / n, 1 + manifest.ensembledWith.size(), network / n, ensemble.size(),
        manifest.inference.toJson().dump().c_str(), manifest.inference.mirror ? "on" : "off", n);
    std::printf("memory: %.0f MB before loading, %.0f MB with the model, peak %.0f MB\n", baseRss,
                loadedRss, peakRssMb());
    if (pythonPeer &&
        !bench::runPythonPeer(MEDSIGHT_BENCH_DIR, "unet_peer.py",
                              "--model " + model.string() + " --volumes " + peerDir.string() +
                                  " --threads " + std::to_string(threads),
                              peerDir)) {
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: %s\n", e.what());
    return 1;
  }
}

#include "segmentation/SlidingWindowInferer.h"

#include <cmath>

#include "core/Error.h"
#include "segmentation/SliceAxisView.h"
#include "segmentation/TumourPatchSampler.h"

namespace medsight {

SlidingWindowInferer::SlidingWindowInferer(SlidingWindowSettings settings) : settings_(settings) {
  if (settings_.overlap < 0 || settings_.overlap > 0.9) {
    throw Error(ErrorCode::InvalidConfiguration, "sliding window: overlap must be in [0, 0.9]");
  }
  for (int p : settings_.patchSize) {
    if (p < 1) throw Error(ErrorCode::InvalidConfiguration, "sliding window: patch size < 1");
  }
  if (const auto why = settings_.sliceAxisProblem()) {
    throw Error(ErrorCode::InvalidConfiguration, "sliding window: " + *why);
  }
}

std::vector<long> SlidingWindowInferer::tileStarts(long extent, long tile, double overlap) {
  if (extent <= tile) return {0};
  const double step = std::max(1.0, static_cast<double>(tile) * (1.0 - overlap));
  const long n = static_cast<long>(std::ceil(static_cast<double>(extent - tile) / step)) + 1;
  std::vector<long> starts;
  for (long i = 0; i < n; ++i) {
    starts.push_back(static_cast<long>(
        std::round(static_cast<double>(i) * static_cast<double>(extent - tile) / (n - 1))));
  }
  return starts;
}

Image SlidingWindowInferer::run(const Image& image, const ProbabilityFunction& probability) const {
  return run(std::vector<const Image*>{&image}, probability);
}

Image SlidingWindowInferer::run(const std::vector<const Image*>& stack,
                                const ProbabilityFunction& probability) const {
  if (static_cast<int>(stack.size()) != settings_.imageChannels) {
    throw Error(ErrorCode::InvalidArgument,
                "sliding window: the network takes " + std::to_string(settings_.imageChannels) +
                    " stacked image(s), " + std::to_string(stack.size()) + " given");
  }
  if (settings_.sliceAxis != 2) {
    // Run on the volumes with the slice axis moved to z, then put the probability back.
    const SliceAxisView view(settings_.sliceAxis);
    std::vector<Image> viewed;
    viewed.reserve(stack.size());
    for (const Image* s : stack) viewed.push_back(view.toView(*s));
    std::vector<const Image*> viewStack;
    for (const Image& v : viewed) viewStack.push_back(&v);
    SlidingWindowSettings stored = settings_;
    stored.sliceAxis = 2;
    return view.fromView(SlidingWindowInferer(stored).run(viewStack, probability), *stack.front());
  }
  const Image& image = *stack.front();
  std::vector<float> pads;
  for (const Image* s : stack) {
    if (s->pixelType() != PixelType::Float32 || s->components() != 1 || s->size().t != 1 ||
        !s->sameGrid(image)) {
      throw Error(ErrorCode::InvalidArgument,
                  "sliding window: needs Float32 scalar volumes on one grid");
    }
    pads.push_back(TumourPatchSampler::padValueOf(*s));
  }
  const auto [px, py, pz] = settings_.patchSize;
  const bool twoD = pz == 1;
  const int context = twoD ? settings_.contextSlices : 0;
  const long sx = static_cast<long>(image.size().x), sy = static_cast<long>(image.size().y),
             sz = static_cast<long>(image.size().z);

  // Gaussian importance map, sigma = patch / 8 per axis (nnU-Net).
  std::vector<float> weight(static_cast<std::size_t>(px) * py * pz);
  {
    std::size_t o = 0;
    for (int z = 0; z < pz; ++z) {
      for (int y = 0; y < py; ++y) {
        for (int x = 0; x < px; ++x, ++o) {
          auto g = [](double v, int n) {
            const double c = (n - 1) / 2.0, s = std::max(0.5, n / 8.0);
            return std::exp(-0.5 * (v - c) * (v - c) / (s * s));
          };
          weight[o] = static_cast<float>(std::max(1e-3, g(x, px) * g(y, py) * g(z, pz)));
        }
      }
    }
  }

  struct Tile {
    long x, y, z;
  };
  std::vector<Tile> tiles;
  const auto xs = tileStarts(sx, px, settings_.overlap), ys = tileStarts(sy, py, settings_.overlap);
  const auto zs = twoD ? std::vector<long>{} : tileStarts(sz, pz, settings_.overlap);
  if (twoD) {
    for (long z = 0; z < sz; ++z) {
      for (long y : ys) {
        for (long x : xs) tiles.push_back({x, y, z});
      }
    }
  } else {
    for (long z : zs) {
      for (long y : ys) {
        for (long x : xs) tiles.push_back({x, y, z});
      }
    }
  }

  std::vector<double> sum(image.voxelsPerFrame(), 0.0), norm(image.voxelsPerFrame(), 0.0);
  const int channels = settings_.inputChannels();
  const std::size_t patchVoxels = static_cast<std::size_t>(px) * py * pz;
  c10::InferenceMode inferenceMode;
  for (std::size_t first = 0; first < tiles.size();
       first += static_cast<std::size_t>(settings_.batchSize)) {
    const std::size_t n =
        std::min(tiles.size() - first, static_cast<std::size_t>(settings_.batchSize));
    std::vector<float> batch;
    batch.reserve(n * channels * patchVoxels);
    for (std::size_t i = 0; i < n; ++i) {
      const Tile& t = tiles[first + i];
      const std::array<long, 3> centre{t.x + px / 2, t.y + py / 2, twoD ? t.z : t.z + pz / 2};
      auto patch = TumourPatchSampler::extract(stack, settings_.patchSize, context, centre, pads);
      if (settings_.positionChannels) {
        TumourPatchSampler::appendPosition(image.size(), settings_.patchSize, centre, patch);
      }
      batch.insert(batch.end(), patch.begin(), patch.end());
    }
    std::vector<int64_t> shape{static_cast<int64_t>(n), channels};
    if (!twoD) shape.push_back(pz);
    shape.push_back(py);
    shape.push_back(px);
    const torch::Tensor input = torch::from_blob(batch.data(), shape, torch::kFloat32);
    torch::Tensor prob = probability(input);
    if (settings_.mirror) {
      // Mirrored copies one at a time: one forward pass with all four copies (4n samples) was
      // slower and used 50 MB more here (LibTorch 1.13, 2 threads).
      const int64_t h = input.dim() - 2, w = input.dim() - 1;
      prob = prob + probability(input.flip({w})).flip({w - 1});
      prob = prob + probability(input.flip({h})).flip({h - 1});
      prob = prob + probability(input.flip({h, w})).flip({h - 1, w - 1});
      prob = prob / 4.0;
    }
    prob = prob.contiguous().to(torch::kFloat32);
    const float* p = prob.data_ptr<float>();
    for (std::size_t i = 0; i < n; ++i) {
      const Tile& t = tiles[first + i];
      std::size_t o = i * patchVoxels;
      for (int dz = 0; dz < pz; ++dz) {
        const long z = twoD ? t.z : t.z + dz;
        for (int dy = 0; dy < py; ++dy) {
          const long y = t.y + dy;
          for (int dx = 0; dx < px; ++dx, ++o) {
            const long x = t.x + dx;
            if (x >= sx || y >= sy || z >= sz) continue;
            const std::size_t v = static_cast<std::size_t>((z * sy + y) * sx + x);
            const float w = weight[static_cast<std::size_t>((dz * py + dy) * px + dx)];
            sum[v] += static_cast<double>(w) * p[o];
            norm[v] += w;
          }
        }
      }
    }
  }
  Image out(PixelType::Float32, image.size(), image.spatialDimension(), 1, image.geometry());
  out.setModality(image.modality());
  auto o = out.pixels<float>();
  for (std::size_t v = 0; v < o.size(); ++v) {
    o[v] = norm[v] > 0 ? static_cast<float>(sum[v] / norm[v]) : 0.0f;
  }
  return out;
}

}  // namespace medsight

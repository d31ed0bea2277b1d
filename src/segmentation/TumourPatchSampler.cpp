#include "segmentation/TumourPatchSampler.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/Error.h"

namespace medsight {

namespace {

/// In-plane source position of every output voxel of a patch around `centre`, rotated by
/// `angle` and zoomed by `zoom`; offsets as in extract() so that angle 0 and zoom 1 reproduce it
/// exactly.
void sourcePositions(std::array<int, 3> patchSize, std::array<long, 3> centre, double angle,
                     double zoom, std::vector<double>& srcX, std::vector<double>& srcY) {
  const double c = std::cos(angle) / zoom, s = std::sin(angle) / zoom;
  const std::size_t plane = static_cast<std::size_t>(patchSize[0]) * patchSize[1];
  srcX.resize(plane);
  srcY.resize(plane);
  for (int dy = 0, o = 0; dy < patchSize[1]; ++dy) {
    for (int dx = 0; dx < patchSize[0]; ++dx, ++o) {
      const double u = dx - patchSize[0] / 2, v = dy - patchSize[1] / 2;
      srcX[o] = static_cast<double>(centre[0]) + c * u - s * v;
      srcY[o] = static_cast<double>(centre[1]) + s * u + c * v;
    }
  }
}

/// |2 p / (n - 1) - 1|: 0 at the volume centre, 1 at its first and last voxel.
double fromCentre(double p, std::size_t n) {
  return n > 1 ? std::abs(2.0 * p / static_cast<double>(n - 1) - 1.0) : 0.0;
}

}  // namespace

TumourPatchSampler::TumourPatchSampler(std::vector<const Image*> images,
                                       std::vector<const Image*> masks,
                                       std::array<int, 3> patchSize, int contextSlices,
                                       double foregroundFraction, PatchAugmentation augmentation,
                                       std::uint64_t seed, bool positionChannels,
                                       std::vector<std::vector<const Image*>> auxiliary)
    : masks_(std::move(masks)),
      patchSize_(patchSize),
      contextSlices_(patchSize[2] == 1 ? contextSlices : 0),
      positionChannels_(positionChannels),
      foregroundFraction_(foregroundFraction),
      augmentation_(augmentation),
      rng_(seed) {
  if (images.empty() || images.size() != masks_.size() ||
      (!auxiliary.empty() && auxiliary.size() != images.size())) {
    throw Error(ErrorCode::EmptyInput,
                "patch sampler: needs at least one image with its mask (and auxiliary images "
                "for every case or none)");
  }
  for (std::size_t c = 0; c < images.size(); ++c) {
    std::vector<const Image*> stack{images[c]};
    if (!auxiliary.empty()) stack.insert(stack.end(), auxiliary[c].begin(), auxiliary[c].end());
    if (c > 0 && stack.size() != stacks_.front().size()) {
      throw Error(ErrorCode::InvalidArgument,
                  "patch sampler: every case needs the same number of auxiliary images");
    }
    std::vector<float> pads;
    for (const Image* image : stack) {
      if (image->pixelType() != PixelType::Float32 || masks_[c]->pixelType() != PixelType::UInt8 ||
          !image->sameGrid(*masks_[c])) {
        throw Error(ErrorCode::GeometryMismatch,
                    "patch sampler: case " + std::to_string(c) +
                        " needs Float32 images and a UInt8 mask on the same grid");
      }
      pads.push_back(padValueOf(*image));
    }
    stacks_.push_back(std::move(stack));
    std::vector<std::size_t> fg;
    const auto m = masks_[c]->pixels<std::uint8_t>();
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (m[i]) fg.push_back(i);
    }
    foreground_.push_back(std::move(fg));
    padValues_.push_back(std::move(pads));
  }
}

float TumourPatchSampler::padValueOf(const Image& image) {
  const auto px = image.pixels<float>();
  return px.empty() ? 0.0f : *std::min_element(px.begin(), px.end());
}

std::vector<float> TumourPatchSampler::extract(const Image& image, std::array<int, 3> patchSize,
                                               int contextSlices, std::array<long, 3> centre,
                                               float padValue) {
  return extract(std::vector<const Image*>{&image}, patchSize, contextSlices, centre,
                 std::vector<float>{padValue});
}

std::vector<float> TumourPatchSampler::extract(const std::vector<const Image*>& stack,
                                               std::array<int, 3> patchSize, int contextSlices,
                                               std::array<long, 3> centre,
                                               const std::vector<float>& padValues) {
  const Image& image = *stack.front();
  const long sx = static_cast<long>(image.size().x), sy = static_cast<long>(image.size().y),
             sz = static_cast<long>(image.size().z);
  const int channels = 1 + 2 * contextSlices;
  const long x0 = centre[0] - patchSize[0] / 2, y0 = centre[1] - patchSize[1] / 2,
             z0 = centre[2] - patchSize[2] / 2;
  std::vector<float> out(stack.size() * channels * patchSize[0] * patchSize[1] * patchSize[2]);
  std::size_t o = 0;
  for (std::size_t s = 0; s < stack.size(); ++s) {
    const auto px = stack[s]->pixels<float>();
    const float padValue = padValues[s];
    for (int c = 0; c < channels; ++c) {
      for (int dz = 0; dz < patchSize[2]; ++dz) {
        const long z = std::clamp<long>(z0 + dz + (c - contextSlices), 0, sz - 1);
        for (int dy = 0; dy < patchSize[1]; ++dy) {
          const long y = y0 + dy;
          for (int dx = 0; dx < patchSize[0]; ++dx, ++o) {
            const long x = x0 + dx;
            out[o] = (x < 0 || y < 0 || x >= sx || y >= sy)
                         ? padValue
                         : px[static_cast<std::size_t>((z * sy + y) * sx + x)];
          }
        }
      }
    }
  }
  return out;
}

void TumourPatchSampler::extractTransformed(const Image& image, const Image& mask,
                                            std::array<int, 3> patchSize, int contextSlices,
                                            std::array<long, 3> centre, float padValue,
                                            double angleRadians, double zoom,
                                            TrainingPatch& patch) {
  std::vector<double> srcX, srcY;
  sourcePositions(patchSize, centre, angleRadians, zoom, srcX, srcY);
  extractAt(std::vector<const Image*>{&image}, mask, patchSize, contextSlices, centre,
            std::vector<float>{padValue}, srcX, srcY, patch);
}

void TumourPatchSampler::extractAt(const std::vector<const Image*>& stack, const Image& mask,
                                   std::array<int, 3> patchSize, int contextSlices,
                                   std::array<long, 3> centre, const std::vector<float>& padValues,
                                   const std::vector<double>& srcX, const std::vector<double>& srcY,
                                   TrainingPatch& patch) {
  const Image& image = *stack.front();
  const auto m = mask.pixels<std::uint8_t>();
  const long sx = static_cast<long>(image.size().x), sy = static_cast<long>(image.size().y),
             sz = static_cast<long>(image.size().z);
  const int channels = 1 + 2 * contextSlices;
  const long z0 = centre[2] - patchSize[2] / 2;
  const std::size_t plane = static_cast<std::size_t>(patchSize[0]) * patchSize[1];
  patch.input.assign(stack.size() * channels * plane * patchSize[2], 0.0f);
  patch.target.assign(plane * patchSize[2], 0);
  std::size_t o = 0;
  for (std::size_t s = 0; s < stack.size(); ++s) {
    const auto px = stack[s]->pixels<float>();
    const float padValue = padValues[s];
    auto at = [&](long x, long y, long z) {
      return (x < 0 || y < 0 || x >= sx || y >= sy)
                 ? padValue
                 : px[static_cast<std::size_t>((z * sy + y) * sx + x)];
    };
    for (int ch = 0; ch < channels; ++ch) {
      for (int dz = 0; dz < patchSize[2]; ++dz) {
        const long z = std::clamp<long>(z0 + dz + (ch - contextSlices), 0, sz - 1);
        for (std::size_t i = 0; i < plane; ++i, ++o) {
          const double fx = std::floor(srcX[i]), fy = std::floor(srcY[i]);
          const double wx = srcX[i] - fx, wy = srcY[i] - fy;
          const long x = static_cast<long>(fx), y = static_cast<long>(fy);
          patch.input[o] =
              static_cast<float>((1 - wy) * ((1 - wx) * at(x, y, z) + wx * at(x + 1, y, z)) +
                                 wy * ((1 - wx) * at(x, y + 1, z) + wx * at(x + 1, y + 1, z)));
        }
      }
    }
  }
  for (int dz = 0, t = 0; dz < patchSize[2]; ++dz) {
    const long z = z0 + dz;
    for (std::size_t i = 0; i < plane; ++i, ++t) {
      const long x = std::lround(srcX[i]), y = std::lround(srcY[i]);
      if (x >= 0 && y >= 0 && z >= 0 && x < sx && y < sy && z < sz) {
        patch.target[t] = m[static_cast<std::size_t>((z * sy + y) * sx + x)] ? 1 : 0;
      }
    }
  }
}

void TumourPatchSampler::appendPosition(ImageSize volume, std::array<int, 3> patchSize,
                                        std::array<long, 3> centre, const std::vector<double>& srcX,
                                        const std::vector<double>& srcY, std::vector<float>& out) {
  const std::size_t plane = srcX.size();
  const long z0 = centre[2] - patchSize[2] / 2;
  std::vector<float> box(plane);
  for (std::size_t i = 0; i < plane; ++i) {
    box[i] =
        static_cast<float>(std::max(fromCentre(srcX[i], volume.x), fromCentre(srcY[i], volume.y)));
  }
  out.reserve(out.size() + 2 * plane * patchSize[2]);
  for (int dz = 0; dz < patchSize[2]; ++dz) out.insert(out.end(), box.begin(), box.end());
  for (int dz = 0; dz < patchSize[2]; ++dz) {
    // The centre slice index is not clamped: a patch reaching past the last slice reads > 1.
    out.insert(out.end(), plane,
               static_cast<float>(fromCentre(static_cast<double>(z0 + dz), volume.z)));
  }
}

void TumourPatchSampler::appendPosition(ImageSize volume, std::array<int, 3> patchSize,
                                        std::array<long, 3> centre, std::vector<float>& out) {
  std::vector<double> srcX, srcY;
  sourcePositions(patchSize, centre, 0.0, 1.0, srcX, srcY);
  appendPosition(volume, patchSize, centre, srcX, srcY, out);
}

TrainingPatch TumourPatchSampler::draw() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::size_t c = std::uniform_int_distribution<std::size_t>(0, stacks_.size() - 1)(rng_);
  const Image& image = *stacks_[c].front();
  const long sx = static_cast<long>(image.size().x), sy = static_cast<long>(image.size().y),
             sz = static_cast<long>(image.size().z);
  std::array<long, 3> centre;
  if (!foreground_[c].empty() && unit(rng_) < foregroundFraction_) {
    const std::size_t i = foreground_[c][std::uniform_int_distribution<std::size_t>(
        0, foreground_[c].size() - 1)(rng_)];
    centre = {static_cast<long>(i % sx), static_cast<long>((i / sx) % sy),
              static_cast<long>(i / (sx * sy))};
    // Jitter so the structure is not always in the middle of the patch.
    for (int a = 0; a < 3; ++a) {
      const long j = patchSize_[a] / 4;
      if (j > 0) centre[a] += std::uniform_int_distribution<long>(-j, j)(rng_);
    }
  } else {
    centre = {std::uniform_int_distribution<long>(0, sx - 1)(rng_),
              std::uniform_int_distribution<long>(0, sy - 1)(rng_),
              std::uniform_int_distribution<long>(0, sz - 1)(rng_)};
  }
  centre[2] = std::clamp<long>(centre[2], 0, sz - 1);

  TrainingPatch patch;
  // The probability is only drawn when spatial augmentation is on, so recipes without it keep
  // their random stream (and their results) unchanged.
  double angle = 0.0, zoom = 1.0;
  if (augmentation_.spatialProbability > 0 && unit(rng_) < augmentation_.spatialProbability) {
    angle = std::uniform_real_distribution<double>(-augmentation_.rotationDegrees,
                                                   augmentation_.rotationDegrees)(rng_) *
            std::numbers::pi / 180.0;
    zoom = 1.0 + std::uniform_real_distribution<double>(-augmentation_.scaleRange,
                                                        augmentation_.scaleRange)(rng_);
  }
  // Angle 0 and zoom 1 read the voxels unchanged (the target is the mask on the centre
  // slice(s); outside the volume is background).
  std::vector<double> srcX, srcY;
  sourcePositions(patchSize_, centre, angle, zoom, srcX, srcY);
  extractAt(stacks_[c], *masks_[c], patchSize_, contextSlices_, centre, padValues_[c], srcX, srcY,
            patch);
  const std::size_t imageValues = patch.input.size();
  if (positionChannels_) appendPosition(image.size(), patchSize_, centre, srcX, srcY, patch.input);

  // Mirroring/transposition: the same flips/transposition for input and target.
  const bool flipX = augmentation_.flips && unit(rng_) < 0.5;
  const bool flipY = augmentation_.flips && unit(rng_) < 0.5;
  const bool transpose =
      augmentation_.rotate90 && patchSize_[0] == patchSize_[1] && unit(rng_) < 0.5;
  if (flipX || flipY || transpose) {
    const int px = patchSize_[0], py = patchSize_[1];
    const std::size_t plane = static_cast<std::size_t>(px) * py;
    auto remap = [&](auto& buffer) {
      auto copy = buffer;
      for (std::size_t p = 0; p < buffer.size() / plane; ++p) {
        for (int y = 0; y < py; ++y) {
          for (int x = 0; x < px; ++x) {
            int sxi = flipX ? px - 1 - x : x, syi = flipY ? py - 1 - y : y;
            if (transpose) std::swap(sxi, syi);
            buffer[p * plane + static_cast<std::size_t>(y) * px + x] =
                copy[p * plane + static_cast<std::size_t>(syi) * px + sxi];
          }
        }
      }
    };
    remap(patch.input);
    remap(patch.target);
  }
  const double scale = 1.0 + std::uniform_real_distribution<double>(
                                 -augmentation_.intensityScale, augmentation_.intensityScale)(rng_);
  const double shift = std::uniform_real_distribution<double>(-augmentation_.intensityShift,
                                                              augmentation_.intensityShift)(rng_);
  const bool noise = augmentation_.noiseStd > 0 && unit(rng_) < 0.15;
  std::normal_distribution<double> gauss(0.0,
                                         augmentation_.noiseStd > 0 ? augmentation_.noiseStd : 1.0);
  // Intensity changes touch the image channels only, never the position channels.
  for (std::size_t i = 0; i < imageValues; ++i) {
    float& v = patch.input[i];
    v = static_cast<float>(v * scale + shift + (noise ? gauss(rng_) : 0.0));
  }
  const std::size_t images = stacks_[c].size();
  if (augmentation_.auxiliaryDropout > 0 && images > 1 &&
      unit(rng_) < augmentation_.auxiliaryDropout) {
    // extractAt writes one equal block per stacked image, the main image's first; the rest of
    // the image values are the auxiliary images'.
    const std::size_t mainValues = imageValues / images;
    std::fill(patch.input.begin() + static_cast<std::ptrdiff_t>(mainValues),
              patch.input.begin() + static_cast<std::ptrdiff_t>(imageValues), 0.0f);
  }
  return patch;
}

}  // namespace medsight

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "SyntheticImages.h"
#include "core/Error.h"
#include "preprocess/BoundingBoxCropper.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {
namespace {

using nlohmann::json;
using test::boxStats;
using test::syntheticVolume;

Image runStep(const json& step, const Image& img) {
  return PreprocessPipeline::fromJson(json::array({step}), "test").run(img);
}

/// The audit record the pipeline leaves in the image's metadata.
std::string recordOf(const Image& img) {
  const auto it = img.metadata().find(PreprocessPipeline::kRecordKey);
  return it == img.metadata().end() ? std::string() : it->second;
}

void expectSameGeometry(const Image& a, const Image& b) {
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a.geometry().approxEqual(b.geometry(), 1e-9));
}

TEST(PreprocessSteps, MedianRemovesImpulseNoiseAndKeepsGeometry) {
  Image img = syntheticVolume(24, 20, 8, [](auto, auto, auto) { return 100.0f; });
  std::mt19937 rng(3);
  auto p = img.pixels<float>();
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (rng() % 50 == 0) p[i] = 1000.0f;  // 2 % impulses
  }
  const Image out = runStep({{"step", "median"}, {"radius", 1}}, img);
  expectSameGeometry(out, img);
  EXPECT_EQ(out.modality(), "MR");
  std::size_t bad = 0;
  for (float v : out.pixels<float>()) bad += std::abs(v - 100.0f) > 1.0f;
  EXPECT_EQ(bad, 0u);
}

TEST(PreprocessSteps, CurvatureDiffusionSmoothsRegionsButKeepsTheEdge) {
  Image img = syntheticVolume(32, 32, 6, [](auto x, auto, auto) { return x < 16 ? 0.0f : 100.0f; });
  test::addNoise(img, 10.0);
  const auto [m0, sd0] = boxStats(img, 2, 12, 4, 28, 1, 5);
  const Image out = runStep({{"step", "curvature_diffusion"}, {"iterations", 10}}, img);
  expectSameGeometry(out, img);
  const auto [m1, sd1] = boxStats(out, 2, 12, 4, 28, 1, 5);
  const auto [mr, sdr] = boxStats(out, 20, 30, 4, 28, 1, 5);
  EXPECT_LT(sd1, 0.6 * sd0);  // noise reduced
  EXPECT_GT(mr - m1, 90.0);   // edge contrast kept
  EXPECT_NEAR(m1, m0, 3.0);
}

TEST(PreprocessSteps, NonLocalMeansReducesNoise) {
  Image img = syntheticVolume(
      40, 40, 3, [](auto x, auto y, auto) { return (x / 10 + y / 10) % 2 ? 200.0f : 100.0f; },
      false);
  test::addNoise(img, 15.0);
  const auto [m0, sd0] = boxStats(img, 12, 18, 12, 18, 0, 3);
  const Image out = runStep({{"step", "non_local_means"},
                             {"patch_radius", 1},
                             {"search_radius", 5},
                             {"sample_patches", 40}},
                            img);
  expectSameGeometry(out, img);
  const auto [m1, sd1] = boxStats(out, 12, 18, 12, 18, 0, 3);
  EXPECT_LT(sd1, 0.7 * sd0);
  EXPECT_NEAR(m1, m0, 10.0);
}

TEST(PreprocessSteps, NonLocalMeansByItkReplaysExactlyWithAnyThreadCount) {
  // ITK seeds each work unit's patch sampler with the unit's index; with its default of one unit
  // per thread the output changed with --threads (90 % of voxels on an STS crop).
  Image img = syntheticVolume(
      32, 32, 12,
      [](auto x, auto y, auto z) { return (x / 8 + y / 8 + z / 4) % 2 ? 200.0f : 100.0f; }, false);
  test::addNoise(img, 15.0);
  const json step = {{"step", "non_local_means"}, {"method", "itk"},    {"iterations", 1},
                     {"patch_radius", 1},         {"search_radius", 3}, {"sample_patches", 20},
                     {"slicewise", false}};
  PreprocessPipeline::useThreads(1);
  const Image one = runStep(step, img);
  PreprocessPipeline::useThreads(2);
  const Image two = runStep(step, img);
  PreprocessPipeline::useThreads(0);
  ASSERT_EQ(one.bytes().size(), two.bytes().size());
  EXPECT_TRUE(std::equal(one.bytes().begin(), one.bytes().end(), two.bytes().begin()));
  const auto [m0, sd0] = boxStats(img, 1, 7, 1, 7, 1, 3);
  const auto [m1, sd1] = boxStats(one, 1, 7, 1, 7, 1, 3);
  EXPECT_LT(sd1, sd0);  // it did denoise
  EXPECT_NE(recordOf(one).find("\"work_units\":8"), std::string::npos) << recordOf(one);
}

TEST(PreprocessSteps, NonLocalMeansGoesSliceBySliceOnThickSlices) {
  // Spacing 0.8 x 0.9 x 2.5 mm: "auto" filters each slice with in-plane patches.
  Image img = syntheticVolume(
      40, 40, 4,
      [](auto x, auto y, auto z) { return ((x / 10 + y / 10 + z) % 2) ? 200.0f : 100.0f; }, false);
  test::addNoise(img, 15.0);
  const json step = {{"step", "non_local_means"}, {"search_radius", 5}, {"sample_patches", 40}};
  const Image out = runStep(step, img);
  const std::string record = recordOf(out);
  EXPECT_NE(record.find("\"mode\":\"slices\""), std::string::npos) << record;
  expectSameGeometry(out, img);
  // Noise falls in every slice, and the checkerboard that alternates between slices is not
  // averaged across them (a 3D patch 2.5 mm deep would mix neighbouring slices).
  for (std::size_t z = 0; z < 4; ++z) {
    const auto [m0, sd0] = boxStats(img, 12, 18, 12, 18, z, z + 1);
    const auto [m1, sd1] = boxStats(out, 12, 18, 12, 18, z, z + 1);
    EXPECT_LT(sd1, 0.7 * sd0) << z;
    EXPECT_NEAR(m1, z % 2 ? 200.0 : 100.0, 10.0) << z;
  }
  // Asked for explicitly, the whole-volume filter still runs; a 2D image cannot go by slice.
  const std::string r3 = recordOf(runStep({{"step", "non_local_means"},
                                           {"slicewise", false},
                                           {"patch_radius", 1},
                                           {"search_radius", 3},
                                           {"sample_patches", 10},
                                           {"iterations", 1}},
                                          img));
  EXPECT_NE(r3.find("\"mode\":\"volume\""), std::string::npos) << r3;
  // A zero-filled slice (as at the ends of oblique crops) is passed through, not an ITK error.
  Image withBlank = img;
  for (std::size_t y = 0; y < 40; ++y)
    for (std::size_t x = 0; x < 40; ++x) withBlank.setValueAt(0.0, x, y, 3);
  const Image blankOut = runStep(step, withBlank);
  EXPECT_NE(recordOf(blankOut).find("\"constant_slices_skipped\":1"), std::string::npos)
      << recordOf(blankOut);
  EXPECT_EQ(blankOut.valueAt(20, 20, 3), 0.0);
  Image flat = syntheticVolume(
      16, 16, 1, [](auto, auto, auto) { return 1.0f; }, false);
  Image flat2d(PixelType::Float32, {16, 16, 1, 1}, 2, 1, flat.geometry());
  EXPECT_THROW(runStep({{"step", "non_local_means"}, {"slicewise", true}}, flat2d), Error);
  EXPECT_THROW(runStep({{"step", "non_local_means"}, {"slicewise", "sometimes"}}, img), Error);
}

TEST(PreprocessSteps, NonLocalMeansByOpenCvReducesNoiseAndKeepsEdges) {
  // Default method (OpenCV), thick slices: slice by slice; the checkerboard alternates between
  // slices and must not be averaged across them.
  Image img = syntheticVolume(
      48, 48, 4,
      [](auto x, auto y, auto z) { return ((x / 12 + y / 12 + z) % 2) ? 200.0f : 100.0f; }, false);
  test::addNoise(img, 15.0);
  Image withBlank = img;
  for (std::size_t y = 0; y < 48; ++y)
    for (std::size_t x = 0; x < 48; ++x) withBlank.setValueAt(0.0, x, y, 3);
  const Image out = runStep({{"step", "non_local_means"}}, withBlank);
  expectSameGeometry(out, img);
  const std::string record = recordOf(out);
  EXPECT_NE(record.find("\"method\":\"opencv\""), std::string::npos) << record;
  EXPECT_NE(record.find("\"mode\":\"slices\""), std::string::npos) << record;
  EXPECT_NE(record.find("\"constant_slices_skipped\":1"), std::string::npos) << record;
  for (std::size_t z = 0; z < 3; ++z) {
    const auto [m0, sd0] = boxStats(img, 14, 22, 14, 22, z, z + 1);
    const auto [m1, sd1] = boxStats(out, 14, 22, 14, 22, z, z + 1);
    EXPECT_LT(sd1, 0.7 * sd0) << z;
    EXPECT_NEAR(m1, z % 2 ? 200.0 : 100.0, 6.0) << z;
  }
  EXPECT_EQ(out.valueAt(20, 20, 3), 0.0);  // the zero-filled slice is kept exactly
  // The estimated noise deviation (15 added) sets the filtering parameter.
  const json r = json::parse(record);
  const double noise = r[0]["measured"]["noise_sigma_estimate"];
  EXPECT_NEAR(noise, 15.0, 3.0) << record;
  // OpenCV's method is 2D: a whole-volume filter needs ITK's.
  EXPECT_THROW(runStep({{"step", "non_local_means"}, {"slicewise", false}}, img), Error);
  // ITK-only settings are refused with method opencv; given without a method they select ITK,
  // as in pipelines recorded before OpenCV was the default.
  EXPECT_THROW(runStep({{"step", "non_local_means"}, {"method", "opencv"}, {"iterations", 2}}, img),
               Error);
  EXPECT_THROW(runStep({{"step", "non_local_means"}, {"method", "itk"}, {"strength", 1.0}}, img),
               Error);
  const Image legacy = runStep({{"step", "non_local_means"},
                                {"patch_radius", 1},
                                {"search_radius", 3},
                                {"sample_patches", 10},
                                {"iterations", 1}},
                               img);
  EXPECT_NE(recordOf(legacy).find("\"method\":\"itk\""), std::string::npos) << recordOf(legacy);
}

TEST(PreprocessSteps, NonLocalMeansByOpenCvKeepsZeroFillExactlyWhenValuesGoNegative) {
  // CT-like values on both sides of 0 with the left part of every slice zero fill, as an oblique
  // crop leaves it: the fill must come back exactly 0, which `zscore` region "nonzero" relies on.
  // (Mapped from the minimum without 0 on the grid, it came back off by up to half a step.)
  Image img = syntheticVolume(
      80, 48, 3, [](auto x, auto, auto) { return x < 32   ? 0.0f
                                                 : x < 56 ? -130.0f
                                                          : 150.0f; },
      false);
  test::addNoise(img, 20.0);
  for (std::size_t z = 0; z < 3; ++z)
    for (std::size_t y = 0; y < 48; ++y)
      for (std::size_t x = 0; x < 32; ++x) img.setValueAt(0.0, x, y, z);
  const Image out = runStep({{"step", "non_local_means"}, {"slicewise", "yes"}}, img);
  for (std::size_t z = 0; z < 3; ++z)
    for (std::size_t y = 0; y < 48; ++y)
      for (std::size_t x = 0; x < 20; ++x) ASSERT_EQ(out.valueAt(x, y, z), 0.0) << x << " " << y;
  const auto [m0, sd0] = boxStats(img, 38, 50, 10, 38, 0, 3);
  const auto [m1, sd1] = boxStats(out, 38, 50, 10, 38, 0, 3);
  EXPECT_LT(sd1, 0.7 * sd0);
  EXPECT_NEAR(m1, -130.0, 5.0);
  const auto [m2, sd2] = boxStats(out, 62, 76, 10, 38, 0, 3);
  EXPECT_NEAR(m2, 150.0, 5.0);
  EXPECT_EQ(json::parse(recordOf(out))[0]["measured"]["voxels_outside_range"], 0);
}

TEST(PreprocessSteps, NonLocalMeansByOpenCvDenoisesAHotLesionOfHighDynamicRange) {
  // A hot lesion 5000 noise deviations above the background (PET-like; real STS lesions reach
  // about a thousand): the whole range is quantised (step ~0.08 of the noise) and the lesion is
  // denoised like the rest, none of it left out.
  Image img = syntheticVolume(
      48, 48, 3,
      [](auto x, auto y, auto) {
        return x >= 16 && x < 32 && y >= 16 && y < 32 ? 75100.0f : 100.0f;
      },
      false);
  test::addNoise(img, 15.0);
  const Image out = runStep({{"step", "non_local_means"}, {"slicewise", "yes"}}, img);
  const json r = json::parse(recordOf(out));
  EXPECT_EQ(r[0]["measured"]["voxels_outside_range"], 0) << r.dump();
  for (std::size_t z = 0; z < 3; ++z) {
    const auto [m0, sd0] = boxStats(img, 19, 29, 19, 29, z, z + 1);
    const auto [m1, sd1] = boxStats(out, 19, 29, 19, 29, z, z + 1);
    EXPECT_LT(sd1, 0.7 * sd0) << z;
    EXPECT_NEAR(m1, 75100.0, 5.0) << z;
  }
}

TEST(PreprocessSteps, NonLocalMeansByOpenCvIsNotCoarsenedByOneExtremeVoxel) {
  // One corrupt voxel at 10^7 would make the 16-bit step ~150 over the min-max range, ten times
  // the noise: everything would collapse onto a few codes. The robust range keeps the
  // step fine; the extreme voxel is left exactly as it was.
  Image img = syntheticVolume(
      48, 48, 3, [](auto x, auto, auto) { return x < 24 ? 100.0f : 160.0f; }, false);
  test::addNoise(img, 15.0);
  img.setValueAt(1.0e7, 5, 5, 1);
  img.setValueAt(std::numeric_limits<double>::quiet_NaN(), 40, 40, 2);  // e.g. float PET
  const Image out = runStep({{"step", "non_local_means"}, {"slicewise", "yes"}}, img);
  EXPECT_EQ(out.valueAt(5, 5, 1), 1.0e7);
  EXPECT_TRUE(std::isnan(out.valueAt(40, 40, 2)));
  for (std::size_t z = 0; z < 3; ++z) {
    const auto [m0, sd0] = boxStats(img, 30, 44, 10, 38, z, z + 1);
    const auto [m1, sd1] = boxStats(out, 30, 44, 10, 38, z, z + 1);
    EXPECT_LT(sd1, 0.7 * sd0) << z;
    EXPECT_NEAR(m1, 160.0, 5.0) << z;
  }
  const json r = json::parse(recordOf(out));
  const double noise = r[0]["measured"]["noise_sigma_estimate"];
  EXPECT_LE(r[0]["measured"]["quantisation_step"].get<double>(), noise / 2.0 * 1.001) << r.dump();
  EXPECT_EQ(r[0]["measured"]["voxels_outside_range"].get<int>(), 2) << r.dump();
}

TEST(PreprocessSteps, NonLocalMeansByOpenCvNarrowsTheRangeWhenAlmostAllVoxelsShareOneValue) {
  // A small noisy region in a field of zero fill (over 99.5 % of voxels, so both robust
  // percentiles are 0) and one corrupt voxel: the narrowed range must still be placed (around
  // 0, as wide as half-noise steps allow), or the step over the full range (~150, ten times the
  // noise) would leave the region undenoised.
  Image img = syntheticVolume(
      200, 200, 2, [](auto, auto, auto) { return 0.0f; }, false);
  auto px = img.pixels<float>();
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 15.0f);
  for (std::size_t z = 0; z < 2; ++z)
    for (std::size_t y = 90; y < 102; ++y)
      for (std::size_t x = 90; x < 102; ++x) px[(z * 200 + y) * 200 + x] = 1000.0f + noise(rng);
  img.setValueAt(1.0e7, 5, 5, 1);
  const Image out = runStep({{"step", "non_local_means"}, {"slicewise", "yes"}}, img);
  const json r = json::parse(recordOf(out));
  EXPECT_EQ(r[0]["measured"]["voxels_outside_range"], 1) << r.dump();
  EXPECT_EQ(r[0]["measured"]["constant_slices_skipped"], 0) << r.dump();
  EXPECT_EQ(out.valueAt(5, 5, 1), 1.0e7);
  EXPECT_EQ(out.valueAt(20, 150, 0), 0.0);  // the fill stays exactly 0
  for (std::size_t z = 0; z < 2; ++z) {
    const auto [m0, sd0] = boxStats(img, 92, 100, 92, 100, z, z + 1);
    const auto [m1, sd1] = boxStats(out, 92, 100, 92, 100, z, z + 1);
    EXPECT_LT(sd1, 0.8 * sd0) << z;
    EXPECT_NEAR(m1, m0, 5.0) << z;
  }
}

TEST(PreprocessSteps, NonLocalMeansByOpenCvLeavesAVolumeWhoseBandwidthIsUnderOneCode) {
  // With a low strength the bandwidth h = 0.2 x noise spans under one 16-bit code of the
  // (narrowed) range: OpenCV could then only add rounding error, so the volume is left exactly
  // as it was and the record says why.
  Image img = syntheticVolume(
      48, 48, 3, [](auto x, auto, auto) { return x < 24 ? 100.0f : 160.0f; }, false);
  test::addNoise(img, 15.0);
  img.setValueAt(1.0e7, 5, 5, 1);  // forces the narrowed range, whose step is half the noise
  const Image out =
      runStep({{"step", "non_local_means"}, {"slicewise", "yes"}, {"strength", 0.2}}, img);
  const auto a = img.pixels<float>();
  const auto b = out.pixels<float>();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  const json r = json::parse(recordOf(out));
  const double h = r[0]["measured"]["kernel_bandwidth_sigma"];
  const double step = r[0]["measured"]["quantisation_step"];
  EXPECT_LT(h, step) << r.dump();
  EXPECT_EQ(r[0]["measured"]["constant_slices_skipped"], 3) << r.dump();
}

TEST(PreprocessSteps, UnsharpMaskRaisesEdgeContrast) {
  Image img = syntheticVolume(
      32, 8, 3,
      [](auto x, auto, auto) {
        return 100.0f + 100.0f / (1.0f + std::exp(-(static_cast<float>(x) - 16.0f)));
      },
      false);
  const Image out = runStep({{"step", "unsharp_mask"}, {"sigma_mm", 2.0}, {"amount", 1.0}}, img);
  const double before = img.valueAt(18, 4, 1) - img.valueAt(14, 4, 1);
  const double after = out.valueAt(18, 4, 1) - out.valueAt(14, 4, 1);
  EXPECT_GT(after, before * 1.1);
  EXPECT_NEAR(out.valueAt(2, 4, 1), img.valueAt(2, 4, 1), 1.0);  // flat region unchanged
}

TEST(PreprocessSteps, AdaptiveHistogramEqualisationStretchesLowContrast) {
  Image img = syntheticVolume(
      40, 40, 1,
      [](auto x, auto y, auto) {
        if (x < 4) return 1000.0f;  // a bright stripe dominates the global range
        return x < 22 ? 100.0f + (y % 3) : 110.0f + (y % 3);
      },
      false);
  const Image out = runStep({{"step", "adaptive_histogram_equalization"},
                             {"alpha", 0.3},
                             {"beta", 0.3},
                             {"radius", {8, 8, 1}}},
                            img);
  auto contrast = [](const Image& im) {
    const auto [lo, hi] = im.minMax();
    return (boxStats(im, 24, 30, 10, 30, 0, 1).first - boxStats(im, 14, 20, 10, 30, 0, 1).first) /
           (hi - lo);
  };
  EXPECT_GT(contrast(out), 2.0 * contrast(img));
}

TEST(PreprocessSteps, ClaheStretchesLowContrastPerSliceAndKeepsTheRange) {
  // Two slices: the same low-contrast edge (100 | 110) beside a bright stripe that dominates the
  // range, and a flat slice that must stay flat (no noise invented).
  Image img = syntheticVolume(
      64, 64, 2,
      [](auto x, auto y, auto z) {
        if (z == 1) return 105.0f;
        if (x < 6) return 1000.0f;
        return x < 34 ? 100.0f + (y % 3) : 110.0f + (y % 3);
      },
      false);
  const Image out = runStep({{"step", "clahe"}, {"clip_limit", 3.0}, {"tiles", {4, 4}}}, img);
  expectSameGeometry(out, img);
  auto contrast = [](const Image& im) {
    return boxStats(im, 38, 46, 10, 50, 0, 1).first - boxStats(im, 22, 30, 10, 50, 0, 1).first;
  };
  EXPECT_GT(contrast(out), 2.0 * contrast(img)) << contrast(out) << " vs " << contrast(img);
  // Output stays in the image's units (the robust input range), not 0..255.
  const auto [lo, hi] = out.minMax();
  EXPECT_GE(lo, 100.0 - 1e-3);
  EXPECT_LE(hi, 1000.0 + 1e-3);
  const auto [flatMean, flatSd] = boxStats(out, 0, 64, 0, 64, 1, 2);
  EXPECT_LT(flatSd, 1e-3);
  EXPECT_NE(recordOf(out).find("\"clip_limit\":3.0"), std::string::npos) << recordOf(out);
  // Bad settings name the parameter; ITK's settings belong to the other step.
  for (const json& bad :
       {json{{"step", "clahe"}, {"tiles", {8}}}, json{{"step", "clahe"}, {"clip_limit", 0.5}},
        json{{"step", "clahe"}, {"alpha", 0.3}},
        json{{"step", "clahe"}, {"low_percentile", 50}, {"high_percentile", 50}}}) {
    EXPECT_THROW(runStep(bad, img), Error) << bad;
  }
  Image tiny = syntheticVolume(
      8, 8, 1, [](auto x, auto, auto) { return float(x); }, false);
  EXPECT_THROW(runStep({{"step", "clahe"}}, tiny), Error);
}

TEST(PreprocessSteps, CtWindowMapsHuLinearlyAndRefusesMr) {
  Image ct = syntheticVolume(4, 1, 1, [](auto x, auto, auto) {
    const float v[] = {-1000.0f, -160.0f, 40.0f, 1500.0f};
    return v[x];
  });
  ct.setModality("CT");
  const Image out = runStep({{"step", "ct_window"}, {"preset", "soft_tissue"}}, ct);
  EXPECT_FLOAT_EQ(out.valueAt(0, 0, 0), 0.0f);
  EXPECT_FLOAT_EQ(out.valueAt(1, 0, 0), 0.0f);
  EXPECT_FLOAT_EQ(out.valueAt(2, 0, 0), 0.5f);
  EXPECT_FLOAT_EQ(out.valueAt(3, 0, 0), 1.0f);
  ct.setModality("MR");
  try {
    runStep({{"step", "ct_window"}}, ct);
    FAIL() << "an MR image was windowed in HU";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::WrongModality);
  }
}

TEST(PreprocessSteps, ZScoreGivesZeroMeanUnitVariance) {
  Image img = syntheticVolume(10, 10, 4, [](auto x, auto y, auto z) {
    return static_cast<float>(3 * x + 7 * y + 11 * z + 50);
  });
  const Image out = runStep({{"step", "zscore"}}, img);
  const auto [m, sd] = boxStats(out, 0, 10, 0, 10, 0, 4);
  EXPECT_NEAR(m, 0.0, 1e-4);
  EXPECT_NEAR(sd, 1.0, 1e-4);
  const Image flat = syntheticVolume(4, 4, 2, [](auto, auto, auto) { return 5.0f; });
  EXPECT_THROW(runStep({{"step", "zscore"}}, flat), Error);
}

TEST(PreprocessSteps, ZScoreOverNonzeroIgnoresZeroPadding) {
  // Left half zero padding, right half tissue: the nonzero region's statistics are those of the
  // tissue alone, whatever the amount of padding.
  Image img = syntheticVolume(20, 10, 2, [](auto x, auto y, auto) {
    return x < 10 ? 0.0f : static_cast<float>(100 + 2 * x + y);
  });
  const Image out = runStep({{"step", "zscore"}, {"region", "nonzero"}}, img);
  const auto [m, sd] = boxStats(out, 10, 20, 0, 10, 0, 2);
  EXPECT_NEAR(m, 0.0, 1e-4);
  EXPECT_NEAR(sd, 1.0, 1e-4);
  EXPECT_LT(out.valueAt(0, 0, 0), -5.0f);  // padding maps far below the tissue
  const Image whole = runStep({{"step", "zscore"}}, img);
  EXPECT_GT(std::abs(boxStats(whole, 10, 20, 0, 10, 0, 2).first), 0.5);
}

TEST(PreprocessSteps, PercentileClipsOutliers) {
  Image img = syntheticVolume(100, 10, 1, [](auto x, auto, auto) { return static_cast<float>(x); });
  img.pixels<float>()[0] = -1e6f;
  img.pixels<float>()[1] = 1e6f;
  const Image out = runStep({{"step", "percentile"}, {"low", 1}, {"high", 99}}, img);
  const auto [lo, hi] = out.minMax();
  EXPECT_FLOAT_EQ(lo, 0.0f);
  EXPECT_FLOAT_EQ(hi, 1.0f);
  EXPECT_NEAR(out.valueAt(50, 0, 0), 0.5, 0.02);
}

TEST(PreprocessSteps, FatReferenceFindsTheBrightTissue) {
  // Air 0, muscle 120, fat 400 (T1): fat must map to 1.
  Image img = syntheticVolume(30, 30, 4, [](auto x, auto, auto) {
    return x < 8 ? 0.0f : x < 20 ? 120.0f : 400.0f;
  });
  test::addNoise(img, 5.0);
  const Image out = runStep({{"step", "fat_reference"}}, img);
  EXPECT_NEAR(boxStats(out, 22, 30, 0, 30, 0, 4).first, 1.0, 0.02);
  EXPECT_NEAR(boxStats(out, 10, 18, 0, 30, 0, 4).first, 0.3, 0.02);
}

// 1e-300 mm was cast to a voxel count unchecked and reported as "every extent must be at
// least 1"; both it and 1e-6 mm are over the memory budget.
TEST(PreprocessSteps, ResamplingToAMicroscopicSpacingIsTooLarge) {
  const Image img = syntheticVolume(8, 8, 4, [](auto x, auto, auto) { return float(x); });
  for (double spacing : {1e-6, 1e-300}) {
    try {
      PreprocessPipeline::fromJson(
          json::array({{{"step", "resample"}, {"spacing", {spacing, spacing, spacing}}}}), "test")
          .run(img);
      FAIL() << spacing;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::TooLarge) << spacing << ": " << e.what();
    }
  }
}

TEST(PreprocessSteps, ResampleKeepsPhysicalPositions) {
  // A bright cube; its physical centroid must not move when the spacing doubles.
  Image img = syntheticVolume(40, 36, 12, [](auto x, auto y, auto z) {
    return (x >= 10 && x < 20 && y >= 12 && y < 24 && z >= 4 && z < 8) ? 100.0f : 0.0f;
  });
  Image mask = img.castTo(PixelType::UInt8);
  for (auto& v : mask.pixels<std::uint8_t>()) v = v > 0;
  PreprocessSubject s{img, mask};
  PreprocessPipeline::fromJson(
      json::array(
          {{{"step", "resample"}, {"spacing", {1.6, 1.8, 5.0}}, {"interpolation", "bspline"}}}),
      "test")
      .run(s);
  EXPECT_EQ(s.image.size().x, 20u);
  EXPECT_EQ(s.image.size().y, 18u);
  EXPECT_EQ(s.image.size().z, 6u);
  EXPECT_TRUE(s.mask->sameGrid(s.image));
  auto centroid = [](const Image& im) {
    std::array<double, 3> c{0, 0, 0};
    double w = 0;
    for (std::size_t z = 0; z < im.size().z; ++z)
      for (std::size_t y = 0; y < im.size().y; ++y)
        for (std::size_t x = 0; x < im.size().x; ++x) {
          const double v = std::max(0.0, im.valueAt(x, y, z));
          const auto p = im.geometry().indexToPhysical({double(x), double(y), double(z)});
          for (int a = 0; a < 3; ++a) c[a] += v * p[a];
          w += v;
        }
    for (auto& v : c) v /= w;
    return c;
  };
  const auto before = centroid(img), after = centroid(s.image), afterMask = centroid(*s.mask);
  for (int a = 0; a < 3; ++a) {
    EXPECT_NEAR(after[a], before[a], 0.3);
    EXPECT_NEAR(afterMask[a], before[a], 0.5);
  }
  // Nearest neighbour keeps the labels.
  for (auto v : s.mask->pixels<std::uint8_t>()) EXPECT_TRUE(v == 0 || v == 1);
  // The rotation of the grid is kept.
  EXPECT_NEAR(s.image.geometry().direction[1], img.geometry().direction[1], 1e-12);
}

TEST(PreprocessSteps, CropInsertIsTheInverseOfExtract) {
  const Image img = syntheticVolume(12, 10, 5, [](auto x, auto y, auto z) {
    return static_cast<float>(x + 100 * y + 10000 * z);
  });
  VoxelBox box;
  box.start = {3, 2, 1};
  box.size = {6, 5, 3};
  const Image part = BoundingBoxCropper::extract(img, box);
  Image back(PixelType::Float32, img.size(), 3, 1, img.geometry());
  BoundingBoxCropper::insert(back, part, box);
  for (std::size_t z = 0; z < 5; ++z)
    for (std::size_t y = 0; y < 10; ++y)
      for (std::size_t x = 0; x < 12; ++x) {
        const bool inside = x >= 3 && x < 9 && y >= 2 && y < 7 && z >= 1 && z < 4;
        EXPECT_EQ(back.valueAt(x, y, z), inside ? img.valueAt(x, y, z) : 0.0) << x << y << z;
      }
  box.start[0] = 7;  // the part no longer fits
  EXPECT_THROW(BoundingBoxCropper::insert(back, part, box), Error);
}

TEST(PreprocessSteps, CropKeepsVoxelPositionsAndRefusesEmptyMask) {
  Image img = syntheticVolume(30, 30, 10, [](auto x, auto y, auto z) {
    return static_cast<float>(x + 100 * y + 10000 * z);
  });
  Image mask(PixelType::UInt8, img.size(), 3, 1, img.geometry());
  mask.setValueAt(1, 12, 14, 5);
  mask.setValueAt(1, 15, 16, 6);
  PreprocessSubject s{img, mask};
  PreprocessPipeline::fromJson(json::array({{{"step", "crop"}, {"margin_mm", {1.6, 0.9, 2.5}}}}),
                               "test")
      .run(s);
  EXPECT_EQ(s.image.size().x, 8u);  // 12..15 plus 2 voxels either side
  EXPECT_EQ(s.image.size().y, 5u);
  EXPECT_EQ(s.image.size().z, 4u);
  // The voxel that was (12, 14, 5) keeps its value and its physical position.
  const auto p = img.geometry().indexToPhysical({12, 14, 5});
  const auto idx = s.image.geometry().physicalToIndex(p);
  EXPECT_NEAR(idx[0], 2.0, 1e-9);
  EXPECT_NEAR(idx[1], 1.0, 1e-9);
  EXPECT_NEAR(idx[2], 1.0, 1e-9);
  EXPECT_FLOAT_EQ(s.image.valueAt(2, 1, 1), img.valueAt(12, 14, 5));
  EXPECT_EQ(s.mask->valueAt(2, 1, 1), 1.0);

  PreprocessSubject empty{img, Image(PixelType::UInt8, img.size(), 3, 1, img.geometry())};
  try {
    PreprocessPipeline::fromJson(json::array({{{"step", "crop"}}}), "test").run(empty);
    FAIL() << "cropped to an empty mask";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
  }
}

}  // namespace
}  // namespace medsight

#include <gtest/gtest.h>
#include <itkAffineTransform.h>
#include <itkBSplineTransform.h>
#include <itkBSplineTransformInitializer.h>

#include <cmath>
#include <fstream>
#include <random>

#include "core/Error.h"
#include "core/ItkImageBridge.h"
#include "registration/FusionRenderer.h"
#include "registration/HeaderRepositioner.h"
#include "registration/ImageRegistration.h"
#include "registration/ItkTransformChain.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

// Two ellipsoids and a bar of different intensity in a 60 x 56 x 40 volume (1.5 x 1.5 x 2 mm);
// `innerShift` moves the small bright ellipsoid alone along x (voxels), a local deformation.
Image phantom(bool invertContrast, double innerShift = 0) {
  ImageGeometry g;
  g.spacing = {1.5, 1.5, 2.0};
  g.origin = {-45, -40, -40};
  Image img(PixelType::Float32, {60, 56, 40, 1}, 3, 1, g);
  auto p = img.pixels<float>();
  std::size_t i = 0;
  for (int z = 0; z < 40; ++z)
    for (int y = 0; y < 56; ++y)
      for (int x = 0; x < 60; ++x, ++i) {
        auto e = [&](double cx, double cy, double cz, double rx, double ry, double rz) {
          const double a = (x - cx) / rx, b = (y - cy) / ry, c = (z - cz) / rz;
          return a * a + b * b + c * c < 1.0;
        };
        float v = 10;
        if (e(30, 28, 20, 24, 22, 16)) v = 100;
        if (e(22 + innerShift, 24, 18, 8, 6, 6)) v = 220;
        if (e(38, 34, 24, 5, 9, 5)) v = 40;
        if (x > 28 && x < 32 && y > 10 && y < 46 && z > 12 && z < 30) v = 300;
        p[i] = invertContrast ? 400.0f - v : v;
      }
  return img;
}

double worstDisplacement(const SpatialTransform& a, const SpatialTransform& b, const Image& grid) {
  double worst = 0;
  for (double x : {10.0, 30.0, 50.0})
    for (double y : {10.0, 28.0, 46.0})
      for (double z : {8.0, 20.0, 32.0}) {
        const auto p = grid.geometry().indexToPhysical({x, y, z});
        const auto qa = a.apply(p), qb = b.apply(p);
        double d = 0;
        for (int k = 0; k < 3; ++k) d += (qa[k] - qb[k]) * (qa[k] - qb[k]);
        worst = std::max(worst, std::sqrt(d));
      }
  return worst;
}

TEST(ImageRegistration, RecoversAKnownRigidMotionAcrossContrasts) {
  const Image fixed = phantom(false);
  Image moving = phantom(true);  // multi-modal: inverted contrast, as between CT and MR
  const SpatialTransform truth =
      HeaderRepositioner::reposition(moving, {0.08, -0.05, 0.12}, {6, -4, 5}, {0, 0, 0});
  RegistrationSettings s;
  s.threads = 2;
  const RegistrationResult r = ImageRegistration(s).run(fixed, moving);
  EXPECT_LT(worstDisplacement(r.transform, truth, fixed), 1.0);
  EXPECT_LT(r.finalMetric, r.initialMetric);
  EXPECT_EQ(r.report["stages"].size(), 1u);
}

TEST(ImageRegistration, AffineAndBSplineStagesRun) {
  const Image fixed = phantom(false);
  Image moving = phantom(false);
  HeaderRepositioner::reposition(moving, {0.0, 0.0, 0.05}, {3, 2, -2}, {0, 0, 0});
  RegistrationSettings s;
  s.transform = "bspline";
  s.bsplineGridSpacingMm = 30;
  s.threads = 2;
  const RegistrationResult r = ImageRegistration(s).run(fixed, moving);
  EXPECT_EQ(r.transform.stages(), 2u);
  EXPECT_EQ(r.report["stages"].size(), 3u);
  EXPECT_LT(r.finalMetric, r.initialMetric);
  const auto& bspline = r.report["stages"][2];
  EXPECT_EQ(bspline["optimizer"], "lbfgsb");
  EXPECT_GT(bspline["min_jacobian_determinant"].get<double>(), 0.0);
  // The default bound: 0.4 spacings of the mesh, which is rounded to whole cells and so may be
  // finer than the 30 mm asked for.
  EXPECT_GT(bspline["max_displacement_mm"].get<double>(), 0.0);
  EXPECT_LE(bspline["max_displacement_mm"].get<double>(), 0.4 * 30);
}

TEST(ImageRegistration, ARegistrationRepeatsBitForBit) {
  // With the default `reproducible`, the same transform and metric every time and on any thread
  // count (ITK 5.2 adds the metric's work units in thread-timing order otherwise, and splits
  // the samples into as many units as it has threads for), while the metric keeps its 16 work
  // units in parallel. (ITK's thread pool only grows, so after earlier tests the 1-thread run may
  // still have pool workers; what `threads` changes is ITK's default split, which the B-spline
  // stage's metric followed before its split was fixed, and this test then failed.)
  const Image fixed = phantom(false);
  Image moving = phantom(true, 2);
  HeaderRepositioner::reposition(moving, {0.0, 0.0, 0.05}, {3, 2, -2}, {0, 0, 0});
  RegistrationSettings s;
  s.transform = "bspline";
  s.bsplineGridSpacingMm = 20;
  s.threads = 1;
  ASSERT_TRUE(s.reproducible);
  const RegistrationResult first = ImageRegistration(s).run(fixed, moving);
  for (int stage = 0; stage < 2; ++stage) {
    EXPECT_EQ(first.report["stages"][stage]["metric_work_units"], 16) << stage;
  }
  for (const auto& level : first.report["stages"][2]["levels"]) {
    if (!level.contains("skipped")) {
      EXPECT_EQ(level["metric_work_units"], 16);
    }
  }
  s.threads = 2;
  for (int run = 0; run < 3; ++run) {
    const RegistrationResult again = ImageRegistration(s).run(fixed, moving);
    EXPECT_EQ(again.finalMetric, first.finalMetric);
    for (const auto& p :
         std::vector<std::array<double, 3>>{{0, 0, 0}, {20, -15, 10}, {-30, 25, -20}}) {
      EXPECT_EQ(again.transform.apply(p), first.transform.apply(p));
    }
  }
}

TEST(ImageRegistration, TheBSplineDisplacementBoundIsHonoured) {
  const Image fixed = phantom(false);
  const Image moving = phantom(false, 3);  // the small ellipsoid 4.5 mm to the right
  RegistrationSettings s;
  s.transform = "bspline";
  s.bsplineGridSpacingMm = 20;
  s.threads = 2;
  const RegistrationResult free = ImageRegistration(s).run(fixed, moving);
  // Unbounded, control points move more than 0.2 mm to follow the ellipsoid; bounded, none does.
  ASSERT_GT(free.report["stages"][2]["largest_displacement_mm"].get<double>(), 0.2);
  s.bspline.maxDisplacementMm = 0.2;
  const RegistrationResult bounded = ImageRegistration(s).run(fixed, moving);
  const auto& stage = bounded.report["stages"][2];
  EXPECT_DOUBLE_EQ(stage["max_displacement_mm"].get<double>(), 0.2);
  EXPECT_GT(stage["largest_displacement_mm"].get<double>(), 0.0);
  EXPECT_LE(stage["largest_displacement_mm"].get<double>(), 0.2 + 1e-9);
}

using test::codeOf;

TEST(ImageRegistration, RefusesWhenItCannotConverge) {
  const Image fixed = phantom(false);
  RegistrationSettings s;
  s.threads = 2;
  // A featureless moving image: no similarity to optimise.
  Image flat = phantom(false);
  for (float& v : flat.pixels<float>()) v = 7.0f;
  EXPECT_EQ(codeOf([&] { ImageRegistration(s).run(fixed, flat); }), ErrorCode::NotConverged);
  // No overlap in patient space at all.
  Image far = phantom(false);
  far.geometry().origin = {2000, 2000, 2000};
  EXPECT_EQ(codeOf([&] { ImageRegistration(s).run(fixed, far); }), ErrorCode::NotConverged);
  // Too few iterations for a large motion: stopped while still improving.
  Image moved = phantom(true);
  HeaderRepositioner::reposition(moved, {0.2, 0.0, 0.25}, {15, -10, 8}, {0, 0, 0});
  RegistrationSettings few = s;
  few.shrinkFactors = {1};
  few.smoothingSigmasMm = {0.0};
  few.rigid.iterations = {25};
  few.affine.iterations = {25};
  few.bspline.iterations = {25};
  EXPECT_EQ(codeOf([&] { ImageRegistration(few).run(fixed, moved); }), ErrorCode::NotConverged);
}

// Two volumes of independent noise share nothing, yet the optimiser stops on a plateau as if it
// had converged; the shuffled-voxel reference tells that the "alignment" found no structure.
TEST(ImageRegistration, RefusesImagesThatShareNoStructure) {
  auto noise = [](std::uint64_t seed, int box) {
    Image img = phantom(false);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(100.0f, 30.0f);
    auto p = img.pixels<float>();
    std::vector<float> raw(p.size());
    for (float& v : raw) v = n(rng);
    const auto& sz = img.size();
    for (std::size_t z = 0; z < sz.z; ++z)
      for (std::size_t y = 0; y < sz.y; ++y)
        for (std::size_t x = 0; x < sz.x; ++x) {
          double s = 0;
          int c = 0;
          for (int dz = -box; dz <= box; ++dz)
            for (int dy = -box; dy <= box; ++dy)
              for (int dx = -box; dx <= box; ++dx) {
                const long xx = long(x) + dx, yy = long(y) + dy, zz = long(z) + dz;
                if (xx < 0 || yy < 0 || zz < 0 || xx >= long(sz.x) || yy >= long(sz.y) ||
                    zz >= long(sz.z))
                  continue;
                s += raw[(zz * sz.y + yy) * sz.x + xx];
                ++c;
              }
          p[(z * sz.y + y) * sz.x + x] = float(s / c);
        }
    return img;
  };
  RegistrationSettings s;
  s.threads = 2;
  try {
    // Smoothed by a 7-voxel box: unsmoothed noise pairs mostly end less similar than they
    // started, which is refused earlier; these two end on a plateau and "converge".
    ImageRegistration(s).run(noise(11, 3), noise(21, 3));
    FAIL() << "two noise volumes were registered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotConverged);
    EXPECT_NE(std::string(e.what()).find("no shared structure"), std::string::npos) << e.what();
  }
  // Structured images of another contrast share far more than their shuffled reference.
  Image moving = phantom(true);
  HeaderRepositioner::reposition(moving, {0.08, -0.05, 0.12}, {6, -4, 5}, {0, 0, 0});
  const RegistrationResult r = ImageRegistration(s).run(phantom(false), moving);
  EXPECT_LT(r.finalMetric, 10.0 * r.chanceMetric) << r.finalMetric << " vs " << r.chanceMetric;
  EXPECT_TRUE(r.report.contains("chance_metric"));
}

// Noise-free images that are already aligned start the search on the optimum, where the first
// gradient is almost zero; the learning rate estimated from it threw the next step far outside
// the images ("all samples map outside"). Such a step is now undone.
TEST(ImageRegistration, AlignedNoiseFreeImagesStayAligned) {
  RegistrationSettings s;
  s.threads = 2;
  for (const bool inverted : {false, true}) {
    const Image fixed = phantom(false);
    const RegistrationResult r = ImageRegistration(s).run(fixed, phantom(inverted));
    EXPECT_LT(worstDisplacement(r.transform, SpatialTransform(), fixed), 1.0) << inverted;
  }
}

TEST(ImageRegistration, TheBSplineStageMaySkipLevelsButNotAll) {
  const auto settings = [](std::vector<int> iterations) {
    return RegistrationSettings::fromJson(
        nlohmann::json{{"transform", "bspline"}, {"bspline", {{"iterations", iterations}}}}, "s");
  };
  EXPECT_EQ(settings({0, 0, 20}).bspline.iterations, (std::vector<int>{0, 0, 20}));
  EXPECT_EQ(codeOf([&] { settings({0, 0, 0}); }), ErrorCode::InvalidConfiguration);
  EXPECT_EQ(codeOf([&] { settings({-1, 0, 20}); }), ErrorCode::InvalidConfiguration);
  EXPECT_EQ(codeOf([] {
              RegistrationSettings::fromJson(
                  nlohmann::json{{"affine", {{"iterations", {0, 10, 10}}}}}, "s");
            }),
            ErrorCode::InvalidConfiguration);
  // A skipped level is reported as such.
  RegistrationSettings s = settings({0, 0, 20});
  s.threads = 2;
  Image moving = phantom(false);
  HeaderRepositioner::reposition(moving, {0.0, 0.0, 0.05}, {3, 2, -2}, {0, 0, 0});
  const RegistrationResult r = ImageRegistration(s).run(phantom(false), moving);
  const auto& levels = r.report["stages"][2]["levels"];
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_TRUE(levels[0]["skipped"].get<bool>());
  EXPECT_TRUE(levels[1]["skipped"].get<bool>());
  EXPECT_FALSE(levels[2].contains("skipped"));
  EXPECT_GT(levels[2]["evaluations"].get<int>(), 0);
}

TEST(ImageRegistration, SettingsAreValidated) {
  EXPECT_EQ(codeOf([] {
              RegistrationSettings::fromJson(nlohmann::json{{"transform", "elastic"}}, "s.json");
            }),
            ErrorCode::InvalidConfiguration);
  EXPECT_EQ(codeOf([] {
              RegistrationSettings::fromJson(
                  nlohmann::json{{"shrink_factors", {4, 2}}, {"smoothing_sigmas_mm", {1}}}, "s");
            }),
            ErrorCode::InvalidConfiguration);
}

TEST(ImageRegistration, AFixedRegionMustBeOnTheFixedGridAndNotEmpty) {
  const Image fixed = phantom(false);
  ImageRegistration registration{RegistrationSettings{}};
  registration.setFixedRegion(Image(PixelType::UInt8, fixed.size(), 3, 1, fixed.geometry()));
  EXPECT_EQ(codeOf([&] { registration.run(fixed, fixed); }), ErrorCode::EmptyInput);
  ImageGeometry other = fixed.geometry();
  other.spacing[0] *= 2;
  registration.setFixedRegion(Image(PixelType::UInt8, fixed.size(), 3, 1, other));
  EXPECT_EQ(codeOf([&] { registration.run(fixed, fixed); }), ErrorCode::GeometryMismatch);
}

TEST(ImageRegistration, MisspeltOrMistypedSettingsAreNamedNotIgnored) {
  auto messageOf = [](const nlohmann::json& j) {
    try {
      RegistrationSettings::fromJson(j, "s.json");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
      return std::string(e.what());
    }
    ADD_FAILURE() << "accepted " << j.dump();
    return std::string();
  };
  EXPECT_NE(messageOf({{"trasnform", "affine"}}).find("unknown setting 'trasnform'"),
            std::string::npos);
  EXPECT_NE(
      messageOf({{"rigid", {{"iteratons", {10}}}}}).find("rigid: unknown setting 'iteratons'"),
      std::string::npos);
  EXPECT_NE(messageOf({{"histogram_bins", "fifty"}}).find("'histogram_bins' has the wrong type"),
            std::string::npos);
  EXPECT_NE(messageOf({{"metric", "mean_squares"}}).find("metric"), std::string::npos);
  // 50.7 bins was silently 50.
  EXPECT_NE(messageOf({{"histogram_bins", 50.7}}).find("'histogram_bins' must be a whole number"),
            std::string::npos);
  EXPECT_EQ(RegistrationSettings::fromJson({{"histogram_bins", 40.0}}, "s.json").histogramBins, 40);
  // The B-spline stage has no step size to set (L-BFGS-B), and its displacement bound stops
  // short of where a cubic B-spline can fold.
  EXPECT_NE(messageOf({{"bspline", {{"max_step_mm", 1.0}}}}).find("max_displacement_mm"),
            std::string::npos);
  EXPECT_NE(messageOf({{"bspline_grid_spacing_mm", 20}, {"bspline", {{"max_displacement_mm", 9}}}})
                .find("fold"),
            std::string::npos);
  EXPECT_NE(messageOf({{"affine", {{"max_displacement_mm", 1}}}}).find("unknown setting"),
            std::string::npos);
  // A negative or fractional count is not wrapped round to a huge unsigned number.
  EXPECT_NE(messageOf({{"seed", -5}}).find("'seed' must be a whole number from 0 to 4294967295"),
            std::string::npos);
  EXPECT_NE(messageOf({{"seed", 2.5}}).find("'seed' must be a whole number"), std::string::npos);
  EXPECT_EQ(RegistrationSettings::fromJson({{"seed", 7}}, "s.json").seed, 7u);
  // Tools that write every number as a double: 121.0 is the whole number 121.
  EXPECT_EQ(RegistrationSettings::fromJson({{"seed", 121.0}}, "s.json").seed, 121u);
  // What toJson() writes (a previous run's settings, or its whole report) reads back the same.
  RegistrationSettings s;
  s.transform = "affine";
  s.histogramBins = 32;
  s.rigid.iterations = {7, 8, 9};
  s.bspline.maxDisplacementMm = 4;
  const auto again = RegistrationSettings::fromJson(s.toJson(), "s.json");
  EXPECT_EQ(again.toJson(), s.toJson());
  const auto fromReport = RegistrationSettings::fromJson(
      nlohmann::json{{"settings", s.toJson()}, {"stages", nlohmann::json::array()}}, "r.json");
  EXPECT_EQ(fromReport.toJson(), s.toJson());
  // A report written before the B-spline stage's max_step_mm was refused still replays.
  nlohmann::json old = s.toJson();
  old["bspline"] = {{"iterations", {0, 0, 100}}, {"max_step_mm", 1.0}};
  const auto fromOldReport = RegistrationSettings::fromJson(
      nlohmann::json{{"settings", old}, {"stages", nlohmann::json::array()}}, "old.json");
  EXPECT_EQ(fromOldReport.bspline.iterations, (std::vector<int>{0, 0, 100}));
  EXPECT_EQ(fromOldReport.transform, "affine");
}

TEST(SpatialTransform, WritesAndReadsTfmFiles) {
  const auto t = SpatialTransform::rigid({0.1, 0.2, -0.3}, {5, 6, 7}, {1, 2, 3});
  const auto dir = test::temporaryDirectory("tfm");
  t.write(dir / "t.tfm");
  const auto back = SpatialTransform::read(dir / "t.tfm");
  const auto a = t.apply({10, -20, 30}), b = back.apply({10, -20, 30});
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(a[k], b[k], 1e-6);
  std::ofstream(dir / "junk.tfm") << "not a transform\n";
  EXPECT_EQ(codeOf([&] { SpatialTransform::read(dir / "junk.tfm"); }), ErrorCode::CorruptData);
  EXPECT_EQ(codeOf([&] { SpatialTransform::read(dir / "none.tfm"); }), ErrorCode::FileNotFound);
  // `register --out-transform R.TFM` writes an upper-case name; it reads back.
  t.write(dir / "upper.tfm");
  std::filesystem::rename(dir / "upper.tfm", dir / "R.TFM");
  const auto c = SpatialTransform::read(dir / "R.TFM").apply({10, -20, 30});
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(a[k], c[k], 1e-6);
}

// `fuse --transform` once resampled through an all-zero matrix and wrote one value everywhere
// with exit 0.
TEST(SpatialTransform, RefusesASingularMatrixAndAFolder) {
  const auto dir = test::temporaryDirectory("tfm-singular");
  const std::string header =
      "#Insight Transform File V1.0\n#Transform 0\nTransform: AffineTransform_double_3_3\n";
  std::ofstream(dir / "zero.tfm") << header
                                  << "Parameters: 0 0 0 0 0 0 0 0 0 84.47 9.27 -786.48\n"
                                     "FixedParameters: 0 0 0\n";
  std::ofstream(dir / "flat.tfm")
      << header << "Parameters: 1 0 0 0 1 0 0 0 0 0 0 0\nFixedParameters: 0 0 0\n";
  std::ofstream(dir / "fine.tfm")
      << header << "Parameters: 1 0 0 0 1 0 0 0 -2 0 0 0\nFixedParameters: 0 0 0\n";
  for (const char* name : {"zero.tfm", "flat.tfm"}) {
    try {
      SpatialTransform::read(dir / name);
      FAIL() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CorruptData);
      EXPECT_NE(std::string(e.what()).find("is singular"), std::string::npos) << e.what();
    }
  }
  EXPECT_NEAR(SpatialTransform::read(dir / "fine.tfm").apply({1, 1, 1})[2], -2, 1e-9);
  EXPECT_EQ(codeOf([&] { SpatialTransform::read(dir); }), ErrorCode::FileUnreadable);
}

TEST(SpatialTransform, ReadsACompositeFileInItsOrder) {
  // ITK's composite file: the header, then the parts; the first listed applies last
  // (T0(T1(x))), so here x -> 2x + (1, 0, 0), not 2(x + (1, 0, 0)).
  const auto dir = test::temporaryDirectory("tfm-composite");
  std::ofstream(dir / "c.tfm") << "#Insight Transform File V1.0\n"
                                  "#Transform 0\nTransform: CompositeTransform_double_3_3\n"
                                  "#Transform 1\nTransform: TranslationTransform_double_3_3\n"
                                  "Parameters: 1 0 0\nFixedParameters: \n"
                                  "#Transform 2\nTransform: ScaleTransform_double_3_3\n"
                                  "Parameters: 2 2 2\nFixedParameters: 0 0 0\n";
  const auto y = SpatialTransform::read(dir / "c.tfm").apply({1, 1, 1});
  EXPECT_NEAR(y[0], 3, 1e-9);
  EXPECT_NEAR(y[1], 2, 1e-9);
  EXPECT_NEAR(y[2], 2, 1e-9);
}

// An affine transform after a B-spline with random control points on `grid`'s domain, as
// `register --transform bspline` chains them.
SpatialTransform affineAfterBSpline(const Image& grid, unsigned seed) {
  using BSpline = itk::BSplineTransform<double, 3, 3>;
  auto bspline = BSpline::New();
  auto init = itk::BSplineTransformInitializer<BSpline, itk::Image<float, 3>>::New();
  init->SetTransform(bspline);
  init->SetImage(toItkImage<float, 3>(grid));
  BSpline::MeshSizeType mesh;
  mesh[0] = 5, mesh[1] = 4, mesh[2] = 3;
  init->SetTransformDomainMeshSize(mesh);
  init->InitializeTransform();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> mm(-3.0, 3.0);
  BSpline::ParametersType params(bspline->GetNumberOfParameters());
  for (unsigned i = 0; i < params.size(); ++i) params[i] = mm(rng);
  bspline->SetParameters(params);
  auto affine = itk::AffineTransform<double, 3>::New();
  auto m = affine->GetMatrix();
  m(0, 0) = 1.05, m(0, 1) = 0.08, m(1, 0) = -0.06, m(1, 1) = 0.97, m(2, 2) = 1.02, m(2, 0) = 0.03;
  affine->SetMatrix(m);
  itk::Vector<double, 3> t;
  t[0] = 2.5, t[1] = -1.5, t[2] = 3.0;
  affine->SetTranslation(t);
  SpatialTransform out;
  out.impl().chain->AddTransform(affine);
  out.impl().chain->AddTransform(bspline);
  return out;
}

class SeparableResampling : public ::testing::TestWithParam<bool> {};

// The separable path against ITK's per-point path: on an oblique fixed grid, and on one with
// flipped x and y axes (e.g. a NIfTI image stored with an identity RAS orientation), where ITK's
// initializer points the control grid the other way.
TEST_P(SeparableResampling, ResamplesThroughABSplineAsItkDoes) {
  Image fixed = phantom(false);
  Image moving = phantom(true, 2);
  if (GetParam()) {
    fixed.geometry().direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
    fixed.geometry().origin = {45, 40, -40};
  } else {
    HeaderRepositioner::reposition(fixed, {0.1, -0.05, 0.2}, {1, 2, 3}, {0, 0, 0});
  }
  HeaderRepositioner::reposition(moving, {-0.1, 0.15, 0.05}, {-2, 1, 0}, {0, 0, 0});
  SpatialTransform fast = affineAfterBSpline(fixed, 7);
  SpatialTransform itkPath = fast;
  itkPath.impl().separableBSpline = false;
  // A grid larger than the B-spline's domain too: outside it the B-spline is the identity.
  ImageGeometry wide = fixed.geometry();
  for (int r = 0; r < 3; ++r) {
    for (int a = 0; a < 3; ++a) wide.origin[r] -= 6 * wide.direction[r * 3 + a] * wide.spacing[a];
  }
  const Image wideGrid(PixelType::Float32, {72, 68, 52, 1}, 3, 1, wide);
  for (const Image* grid : {static_cast<const Image*>(&fixed), &wideGrid}) {
    for (auto interpolation :
         {Interpolation::Linear, Interpolation::Nearest, Interpolation::BSpline}) {
      const Image a = fast.resample(moving, *grid, interpolation, -7.0);
      EXPECT_TRUE(fast.impl().lastResampleWasSeparable);
      const Image b = itkPath.resample(moving, *grid, interpolation, -7.0);
      EXPECT_FALSE(itkPath.impl().lastResampleWasSeparable);
      ASSERT_TRUE(a.sameGrid(b, 1e-9));
      const auto pa = a.pixels<float>(), pb = b.pixels<float>();
      std::size_t differ = 0, outside = 0;
      double worst = 0;
      for (std::size_t i = 0; i < pa.size(); ++i) {
        const double d = std::abs(pa[i] - pb[i]);
        if (d > 1e-3) ++differ;
        if (pb[i] == -7.0f) ++outside;
        if (interpolation != Interpolation::Nearest) worst = std::max(worst, d);
      }
      // Nearest may pick the other voxel where a point lies half-way (rounding of the last bit).
      EXPECT_LE(differ, pa.size() / 10000) << static_cast<int>(interpolation);
      EXPECT_LT(worst, 1e-2) << static_cast<int>(interpolation);
      EXPECT_GT(outside, 0u);  // the wide grid and the oblique moving image leave some outside
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SpatialTransform, SeparableResampling, ::testing::Values(false, true));

TEST(HeaderRepositioner, MovesContentWithoutResampling) {
  Image img = phantom(false);
  const auto before = img.geometry().indexToPhysical({12, 30, 7});
  const auto t = HeaderRepositioner::reposition(img, {0.1, 0.2, 0.3}, {1, 2, 3}, {5, 5, 5});
  const auto after = img.geometry().indexToPhysical({12, 30, 7});
  const auto expected = t.apply(before);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(after[k], expected[k], 1e-9);
}

TEST(FusionRenderer, BlendsTheOverlayAboveItsWindowOnly) {
  const Image base = phantom(false);
  Image overlay = phantom(false);
  for (float& v : overlay.pixels<float>()) v = v > 200 ? 10.0f : 0.0f;
  FusionOptions o;
  o.low = 5;
  o.high = 10;
  o.opacity = 1.0;
  o.baseWindow = DisplayWindow{150, 300};
  const Image rgb = FusionRenderer::render(base, overlay, o);
  ASSERT_EQ(rgb.components(), 3);
  // Outside the overlay: grey (r = g = b); inside: the hot colormap's top (white-hot).
  EXPECT_EQ(rgb.valueAt(2, 2, 2, 0, 0), rgb.valueAt(2, 2, 2, 0, 1));
  EXPECT_EQ(rgb.valueAt(2, 2, 2, 0, 1), rgb.valueAt(2, 2, 2, 0, 2));
  EXPECT_EQ(rgb.valueAt(22, 24, 18, 0, 0), 255.0);
  EXPECT_EQ(FusionRenderer::mostInformativeSlice(overlay, 5), 18u);
  Image other = overlay;
  other.geometry().spacing[0] = 2.0;
  EXPECT_EQ(codeOf([&] { FusionRenderer::render(base, other, o); }), ErrorCode::GeometryMismatch);
}

}  // namespace
}  // namespace medsight

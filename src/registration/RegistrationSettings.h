#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace medsight {

/// \brief Settings of one registration stage (rigid, affine or B-spline).
struct RegistrationStageSettings {
  /// \brief Iterations per resolution level, coarse to fine.
  std::vector<int> iterations{300, 200, 100};
  /// \brief Largest parameter step per iteration, as a physical shift of image points (mm).
  /// Rigid and affine stages only: the B-spline stage's L-BFGS-B line search sets its own steps.
  double maxStepMm = 2.0;
  /// \brief B-spline stage only: bound on each control point's displacement per axis (mm);
  /// 0 uses 0.4 control-point spacings, and larger values are refused, since beyond that a
  /// cubic B-spline deformation can fold (Rueckert et al. 2006).
  double maxDisplacementMm = 0;
};

/// \brief How `medsight register` aligns a moving image to a fixed one: Mattes mutual
/// information (Mattes et al., IEEE TMI 2003; works across CT, MR and PET), a multi-resolution
/// pyramid, gradient descent with scales from physical shifts (ITK v4 registration), stages
/// rigid → affine → optional cubic B-spline, each starting where the previous ended.
struct RegistrationSettings {
  /// \brief "rigid", "affine" (rigid then affine) or "bspline" (rigid, affine, B-spline).
  std::string transform = "rigid";
  /// \brief Start: "identity" (trust the scanners' shared patient coordinates), "geometry"
  /// (align image centres) or "moments" (align intensity centres of mass).
  std::string initialization = "identity";
  int histogramBins = 50;
  /// \brief Fixed-image points sampled (randomly, seeded) for the metric at each level; 0 uses
  /// `samplingFraction` of the voxels instead. ITK v4 draws the points once per level, while
  /// elastix's random sampler draws 20,000 new ones every iteration; 50,000 fixed points cut the
  /// sampling noise so the final pose is as good as elastix's (bench/registration: PET GTV
  /// Dice 0.846 -> 0.854, MR 0.837 -> 0.841), at about 1.8 s instead of 1 s per pair.
  int spatialSamples = 50000;
  /// \brief Fraction of fixed voxels sampled when `spatialSamples` is 0.
  double samplingFraction = 0.25;
  /// \brief Shrink factor and Gaussian smoothing sigma (mm) per level, coarse to fine (the
  /// B-spline stage smooths but does not shrink, as elastix's smoothing pyramids).
  std::vector<int> shrinkFactors{4, 2, 1};
  std::vector<double> smoothingSigmasMm{4.0, 2.0, 0.0};
  RegistrationStageSettings rigid;
  /// \brief The affine stage: 100 iterations at the finest level (50 until 2026-11-27 left 2 of 22
  /// perturbed STS MR pairs short of the convergence test, both aligned well by elastix;
  /// bench/registration with --settings transform affine).
  RegistrationStageSettings affine{{200, 100, 100}, 1.0};
  /// \brief The B-spline stage's iterations per level (L-BFGS-B: the line search sets the steps,
  /// so the stage takes `max_displacement_mm` instead of `max_step_mm`); 0 skips a level. Only the
  /// finest level by default: on the smoothed levels Mattes MI drifts from the identity even
  /// between a CT and itself, and starting the finest level there cost the 22 STS MR pairs 0.03 of
  /// GTV Dice (bench/registration, 2026-11-27: 100/50/30 gave 0.807, 0/0/100 0.832 and 0.838 in two
  /// runs; PET 0.714, and 0.730 and 0.735).
  RegistrationStageSettings bspline{{0, 0, 100}};
  /// \brief B-spline control-point spacing in mm.
  double bsplineGridSpacingMm = 40.0;
  /// \brief Fixed-image points sampled per level by the B-spline stage (0: as the other stages).
  /// With thousands of parameters, L-BFGS-B needs the same points at every evaluation of a
  /// level; 5,000 (elastix's B-spline files use 2,000-5,000) did not lower the GTV Dice of the
  /// STS pairs against 50,000 (measured 2026-11-27, before the stage moved to ITK's classic
  /// metric). Fixed samples can be over-fitted: run() drops a deformation that lowers the
  /// similarity on independently drawn voxels.
  int bsplineSpatialSamples = 5000;
  /// \brief Convergence: relative metric change over the last `convergenceWindow` iterations
  /// below `convergenceTolerance` (ITK's window convergence monitor).
  int convergenceWindow = 10;
  double convergenceTolerance = 1e-5;
  std::uint32_t seed = 121;
  /// \brief Bit-identical results from run to run and on any thread count: every metric (the
  /// stages' and the before/after similarity) splits its samples into a fixed 16 work units and
  /// adds their sums in unit order (ITK 5.2 adds the rigid and affine derivatives in
  /// thread-timing order and splits by thread count). Off gives ITK's own split back; its last
  /// digits vary, and the B-spline stage can amplify them.
  bool reproducible = true;
  /// \brief Worker threads (0 = all cores).
  int threads = 0;

  /// \brief Parses (missing keys keep defaults) and validates; InvalidConfiguration on errors.
  static RegistrationSettings fromJson(const nlohmann::json& j, const std::string& context);
  /// \brief Serialises every setting (recorded next to the transform).
  nlohmann::json toJson() const;
  /// \brief Throws InvalidConfiguration when a value is out of range.
  void validate(const std::string& context) const;
};

}  // namespace medsight

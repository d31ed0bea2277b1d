#include "registration/RegistrationSettings.h"

#include "core/Error.h"

namespace medsight {
namespace {

RegistrationStageSettings stageFromJson(const nlohmann::json& j, RegistrationStageSettings s) {
  s.iterations = j.value("iterations", s.iterations);
  s.maxStepMm = j.value("max_step_mm", s.maxStepMm);
  return s;
}

nlohmann::json stageToJson(const RegistrationStageSettings& s) {
  return {{"iterations", s.iterations}, {"max_step_mm", s.maxStepMm}};
}

}  // namespace

RegistrationSettings RegistrationSettings::fromJson(const nlohmann::json& j,
                                                    const std::string& context) {
  RegistrationSettings s;
  try {
    s.transform = j.value("transform", s.transform);
    s.initialization = j.value("initialization", s.initialization);
    s.histogramBins = j.value("histogram_bins", s.histogramBins);
    s.spatialSamples = j.value("spatial_samples", s.spatialSamples);
    s.samplingFraction = j.value("sampling_fraction", s.samplingFraction);
    s.shrinkFactors = j.value("shrink_factors", s.shrinkFactors);
    s.smoothingSigmasMm = j.value("smoothing_sigmas_mm", s.smoothingSigmasMm);
    if (j.contains("rigid")) s.rigid = stageFromJson(j.at("rigid"), s.rigid);
    if (j.contains("affine")) s.affine = stageFromJson(j.at("affine"), s.affine);
    if (j.contains("bspline")) s.bspline = stageFromJson(j.at("bspline"), s.bspline);
    s.bsplineGridSpacingMm = j.value("bspline_grid_spacing_mm", s.bsplineGridSpacingMm);
    s.convergenceWindow = j.value("convergence_window", s.convergenceWindow);
    s.convergenceTolerance = j.value("convergence_tolerance", s.convergenceTolerance);
    s.seed = j.value("seed", s.seed);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": malformed settings: " + e.what());
  }
  s.validate(context);
  return s;
}

nlohmann::json RegistrationSettings::toJson() const {
  return {{"transform", transform},
          {"initialization", initialization},
          {"metric", "mattes_mutual_information"},
          {"histogram_bins", histogramBins},
          {"spatial_samples", spatialSamples},
          {"sampling_fraction", samplingFraction},
          {"shrink_factors", shrinkFactors},
          {"smoothing_sigmas_mm", smoothingSigmasMm},
          {"rigid", stageToJson(rigid)},
          {"affine", stageToJson(affine)},
          {"bspline", stageToJson(bspline)},
          {"bspline_grid_spacing_mm", bsplineGridSpacingMm},
          {"convergence_window", convergenceWindow},
          {"convergence_tolerance", convergenceTolerance},
          {"seed", seed}};
}

void RegistrationSettings::validate(const std::string& context) const {
  auto bad = [&](const std::string& what) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": " + what);
  };
  if (transform != "rigid" && transform != "affine" && transform != "bspline") {
    bad("transform '" + transform + "': expected rigid, affine or bspline");
  }
  if (initialization != "identity" && initialization != "geometry" && initialization != "moments") {
    bad("initialization '" + initialization + "': expected identity, geometry or moments");
  }
  if (histogramBins < 8 || histogramBins > 512) bad("histogram_bins must be 8..512");
  if (!(samplingFraction > 0 && samplingFraction <= 1)) bad("sampling_fraction must be in (0, 1]");
  if (spatialSamples < 0 || (spatialSamples > 0 && spatialSamples < 500)) {
    bad("spatial_samples must be 0 (use sampling_fraction) or at least 500");
  }
  if (shrinkFactors.empty() || shrinkFactors.size() != smoothingSigmasMm.size()) {
    bad("shrink_factors and smoothing_sigmas_mm need one value per level");
  }
  for (int f : shrinkFactors) {
    if (f < 1 || f > 32) bad("shrink factors must be 1..32");
  }
  for (double s : smoothingSigmasMm) {
    if (s < 0 || s > 50) bad("smoothing sigmas must be 0..50 mm");
  }
  for (const auto* st : {&rigid, &affine, &bspline}) {
    if (st->iterations.size() != shrinkFactors.size()) {
      bad("each stage needs one iteration count per level (" +
          std::to_string(shrinkFactors.size()) + " levels)");
    }
    for (int it : st->iterations) {
      if (it < 1 || it > 100000) bad("iterations must be 1..100000");
    }
    if (!(st->maxStepMm > 0 && st->maxStepMm < 100)) bad("max_step_mm must be in (0, 100)");
  }
  if (!(bsplineGridSpacingMm >= 5 && bsplineGridSpacingMm <= 500)) {
    bad("bspline_grid_spacing_mm must be 5..500");
  }
  if (convergenceWindow < 2 || convergenceWindow > 1000) bad("convergence_window must be 2..1000");
  if (!(convergenceTolerance > 0 && convergenceTolerance < 1)) {
    bad("convergence_tolerance must be in (0, 1)");
  }
}

}  // namespace medsight

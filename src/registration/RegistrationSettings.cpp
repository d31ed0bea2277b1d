#include "registration/RegistrationSettings.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <algorithm>

#include "core/Error.h"

namespace medsight {
namespace {

/// Refuses keys that `known` (a toJson() of defaults) does not have: a misspelt setting would
/// otherwise be ignored and the default used without a word.
void refuseUnknownKeys(const nlohmann::json& j, const nlohmann::json& known,
                       const std::string& where) {
  if (!j.is_object()) {
    throw Error(ErrorCode::InvalidConfiguration, where + ": must be an object");
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (known.contains(it.key())) continue;
    std::string list;
    for (auto k = known.begin(); k != known.end(); ++k)
      list += (list.empty() ? "" : ", ") + k.key();
    throw Error(ErrorCode::InvalidConfiguration,
                where + ": unknown setting '" + it.key() + "' (known: " + list + ")");
  }
}

/// Reads `key` into `target` when present, naming the key when its type is wrong.
template <typename T>
void readSetting(const nlohmann::json& j, const char* key, T& target, const std::string& where) {
  if (!j.contains(key)) return;
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
    // nlohmann converts -5 to 4294967291 without complaint.
    const auto& v = j.at(key);
    // 121.0 (written by tools that store every number as a double) is the whole number 121.
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (d >= 0 && d == std::floor(d) && d <= static_cast<double>(std::numeric_limits<T>::max())) {
        target = static_cast<T>(d);
        return;
      }
    }
    // Parsed JSON holds 7 as unsigned; a json built in code holds it as signed.
    const bool whole =
        v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
    if (v.is_number() && (!whole || v.get<std::uint64_t>() > std::numeric_limits<T>::max())) {
      throw Error(ErrorCode::InvalidConfiguration,
                  where + ": '" + key + "' must be a whole number from 0 to " +
                      std::to_string(std::numeric_limits<T>::max()) + ", not " + v.dump());
    }
  }
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    // nlohmann truncates 50.7 to 50 without complaint.
    const auto& v = j.at(key);
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (!(d == std::floor(d) && d >= static_cast<double>(std::numeric_limits<T>::min()) &&
            d <= static_cast<double>(std::numeric_limits<T>::max()))) {
        throw Error(ErrorCode::InvalidConfiguration,
                    where + ": '" + key + "' must be a whole number, not " + v.dump());
      }
    }
  }
  try {
    target = j.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfiguration,
                where + ": '" + key + "' has the wrong type: " + e.what());
  }
}

/// The gradient-descent stages (rigid, affine) take a step bound; the B-spline stage, optimised
/// by L-BFGS-B, a displacement bound instead.
RegistrationStageSettings stageFromJson(const nlohmann::json& j, RegistrationStageSettings s,
                                        bool bspline, const std::string& where) {
  if (bspline && j.is_object() && j.contains("max_step_mm")) {
    throw Error(ErrorCode::InvalidConfiguration,
                where +
                    ": 'max_step_mm' does not apply to the B-spline stage (its L-BFGS-B line "
                    "search sets the steps); bound the deformation with 'max_displacement_mm'");
  }
  refuseUnknownKeys(
      j, nlohmann::json{{"iterations", 0}, {bspline ? "max_displacement_mm" : "max_step_mm", 0}},
      where);
  readSetting(j, "iterations", s.iterations, where);
  readSetting(j, "max_step_mm", s.maxStepMm, where);
  readSetting(j, "max_displacement_mm", s.maxDisplacementMm, where);
  return s;
}

nlohmann::json stageToJson(const RegistrationStageSettings& s, bool bspline) {
  if (bspline) return {{"iterations", s.iterations}, {"max_displacement_mm", s.maxDisplacementMm}};
  return {{"iterations", s.iterations}, {"max_step_mm", s.maxStepMm}};
}

}  // namespace

RegistrationSettings RegistrationSettings::fromJson(const nlohmann::json& j,
                                                    const std::string& context) {
  RegistrationSettings s;
  // A previous run's report holds its settings under "settings"; they replay as given. Reports
  // written before 2026-11-27 (stop 28) list a B-spline max_step_mm that the stage never used;
  // it is dropped there, while a settings file that sets it is refused.
  const bool report = j.is_object() && j.contains("settings") && j.contains("stages");
  nlohmann::json in = report ? j.at("settings") : j;
  if (report && in.is_object() && in.contains("bspline") && in["bspline"].is_object()) {
    in["bspline"].erase("max_step_mm");
  }
  refuseUnknownKeys(in, s.toJson(), context);
  readSetting(in, "transform", s.transform, context);
  readSetting(in, "initialization", s.initialization, context);
  if (in.contains("metric") && in.at("metric") != "mattes_mutual_information") {
    throw Error(ErrorCode::InvalidConfiguration,
                context + ": metric must be \"mattes_mutual_information\" (the only one)");
  }
  readSetting(in, "histogram_bins", s.histogramBins, context);
  readSetting(in, "spatial_samples", s.spatialSamples, context);
  readSetting(in, "sampling_fraction", s.samplingFraction, context);
  readSetting(in, "shrink_factors", s.shrinkFactors, context);
  readSetting(in, "smoothing_sigmas_mm", s.smoothingSigmasMm, context);
  if (in.contains("rigid"))
    s.rigid = stageFromJson(in.at("rigid"), s.rigid, false, context + ": rigid");
  if (in.contains("affine")) {
    s.affine = stageFromJson(in.at("affine"), s.affine, false, context + ": affine");
  }
  if (in.contains("bspline")) {
    s.bspline = stageFromJson(in.at("bspline"), s.bspline, true, context + ": bspline");
  }
  readSetting(in, "bspline_grid_spacing_mm", s.bsplineGridSpacingMm, context);
  readSetting(in, "bspline_spatial_samples", s.bsplineSpatialSamples, context);
  readSetting(in, "convergence_window", s.convergenceWindow, context);
  readSetting(in, "convergence_tolerance", s.convergenceTolerance, context);
  readSetting(in, "seed", s.seed, context);
  readSetting(in, "reproducible", s.reproducible, context);
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
          {"rigid", stageToJson(rigid, false)},
          {"affine", stageToJson(affine, false)},
          {"bspline", stageToJson(bspline, true)},
          {"bspline_grid_spacing_mm", bsplineGridSpacingMm},
          {"bspline_spatial_samples", bsplineSpatialSamples},
          {"convergence_window", convergenceWindow},
          {"convergence_tolerance", convergenceTolerance},
          {"seed", seed},
          {"reproducible", reproducible}};
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
    // The B-spline stage may skip a level (0 iterations), but not all of them.
    const int lowest = st == &bspline ? 0 : 1;
    for (int it : st->iterations) {
      if (it < lowest || it > 100000) {
        bad(st == &bspline ? "bspline iterations must be 0..100000 (0 skips the level)"
                           : "iterations must be 1..100000");
      }
    }
    if (std::all_of(st->iterations.begin(), st->iterations.end(), [](int it) { return it == 0; })) {
      bad("the bspline stage needs iterations at one level at least");
    }
    if (st != &bspline && !(st->maxStepMm > 0 && st->maxStepMm < 100)) {
      bad("max_step_mm must be in (0, 100)");
    }
  }
  if (!(bspline.maxDisplacementMm >= 0 &&
        bspline.maxDisplacementMm <= 0.4 * bsplineGridSpacingMm)) {
    bad("bspline max_displacement_mm must be 0 (0.4 control-point spacings) up to 0.4 x "
        "bspline_grid_spacing_mm: larger displacements can fold the deformation");
  }
  if (bsplineSpatialSamples < 0 || (bsplineSpatialSamples > 0 && bsplineSpatialSamples < 500)) {
    bad("bspline_spatial_samples must be 0 (as the other stages) or at least 500");
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

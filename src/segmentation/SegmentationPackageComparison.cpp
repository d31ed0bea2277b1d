#include "segmentation/SegmentationPackageComparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "core/Error.h"
#include "eval/MeanSummary.h"
#include "eval/WilcoxonSignedRankTest.h"
#include "segmentation/SegmentationModelManifest.h"

namespace medsight {

namespace {

using nlohmann::json;

struct PatientRow {
  std::optional<double> value;  ///< empty: the metric is undefined (e.g. HD95 of an empty mask)
  int fold = -1;
};

bool higherIsBetter(const std::string& metric) {
  return metric == "dice";
}

std::optional<double> metricOf(const json& row, const std::string& metric) {
  const std::string field =
      metric == "absolute_volume_error_percent" ? "volume_error_percent" : metric;
  const auto it = row.find(field);
  if (it == row.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return metric == "absolute_volume_error_percent" ? std::abs(v) : v;
}

std::map<std::string, PatientRow> rowsOf(const SegmentationModelManifest& m,
                                         const std::filesystem::path& folder,
                                         const std::string& metric) {
  const json rows = m.validation.value("per_patient", json::array());
  if (!rows.is_array() || rows.empty()) {
    throw Error(ErrorCode::EmptyInput,
                (folder / "manifest.json").string() +
                    ": no cross-validated results (validation.per_patient) to compare; train "
                    "it with segment-train or join it with segment-ensemble");
  }
  std::map<std::string, PatientRow> out;
  for (const auto& r : rows) {
    if (!r.is_object() || !r.contains("patient") || !r["patient"].is_string()) {
      throw Error(ErrorCode::ModelInvalid, (folder / "manifest.json").string() +
                                               ": a validation.per_patient row has no patient");
    }
    PatientRow row;
    row.value = metricOf(r, metric);
    if (r.contains("fold") && r["fold"].is_number_integer()) row.fold = r["fold"].get<int>();
    if (!out.emplace(r["patient"].get<std::string>(), row).second) {
      throw Error(ErrorCode::ModelInvalid, (folder / "manifest.json").string() + ": patient " +
                                               r["patient"].get<std::string>() +
                                               " is measured twice");
    }
  }
  return out;
}

}  // namespace

bool SegmentationPackageComparison::knownMetric(const std::string& metric) {
  return metric == "dice" || metric == "hd95_mm" || metric == "mean_surface_distance_mm" ||
         metric == "absolute_volume_error_percent";
}

json SegmentationPackageComparison::compare(const std::filesystem::path& baseline,
                                            const std::filesystem::path& candidate,
                                            const std::string& metric, std::uint64_t seed) {
  if (!knownMetric(metric)) {
    throw Error(ErrorCode::InvalidArgument,
                "segment-compare: unknown metric '" + metric +
                    "' (dice, hd95_mm, mean_surface_distance_mm, absolute_volume_error_percent)");
  }
  const auto baseManifest = SegmentationModelManifest::read(baseline);
  const auto candManifest = SegmentationModelManifest::read(candidate);
  const auto base = rowsOf(baseManifest, baseline, metric);
  const auto cand = rowsOf(candManifest, candidate, metric);

  std::vector<std::string> onlyBaseline, onlyCandidate, undefined;
  std::vector<double> b, c, diff;
  json perPatient = json::array();
  int candidateBetter = 0, baselineBetter = 0, ties = 0, foldDiffers = 0;
  for (const auto& [patient, row] : base) {
    const auto it = cand.find(patient);
    if (it == cand.end()) {
      onlyBaseline.push_back(patient);
      continue;
    }
    if (!row.value || !it->second.value) {
      undefined.push_back(patient);
      continue;
    }
    const double x = *row.value, y = *it->second.value;
    b.push_back(x);
    c.push_back(y);
    diff.push_back(y - x);
    const double gain = higherIsBetter(metric) ? y - x : x - y;
    (gain > 0 ? candidateBetter : gain < 0 ? baselineBetter : ties) += 1;
    const bool sameFold = row.fold == it->second.fold;
    if (!sameFold) ++foldDiffers;
    perPatient.push_back({{"patient", patient},
                          {"baseline", x},
                          {"candidate", y},
                          {"difference", y - x},
                          {"baseline_fold", row.fold},
                          {"candidate_fold", it->second.fold}});
  }
  for (const auto& [patient, row] : cand) {
    if (!base.count(patient)) onlyCandidate.push_back(patient);
  }
  if (b.size() < 2) {
    throw Error(ErrorCode::EmptyInput, "segment-compare: " + std::to_string(b.size()) +
                                           " patient(s) with a " + metric + " in both " +
                                           baseline.string() + " and " + candidate.string() +
                                           "; a paired comparison needs at least 2");
  }
  return {{"metric", metric},
          {"higher_is_better", higherIsBetter(metric)},
          {"patients", b.size()},
          {"baseline",
           {{"model", baseline.string()},
            {"name", baseManifest.name},
            {"summary", MeanSummary::of(b, seed)}}},
          {"candidate",
           {{"model", candidate.string()},
            {"name", candManifest.name},
            {"summary", MeanSummary::of(c, seed)}}},
          {"difference", MeanSummary::of(diff, seed)},
          {"wilcoxon", WilcoxonSignedRankTest::test(diff).toJson()},
          {"candidate_better", candidateBetter},
          {"baseline_better", baselineBetter},
          {"ties", ties},
          {"patients_on_other_folds", foldDiffers},
          {"only_in_baseline", onlyBaseline},
          {"only_in_candidate", onlyCandidate},
          {"metric_undefined", undefined},
          {"per_patient", perPatient},
          {"protocol",
           "paired by patient; difference = candidate - baseline; 95 % percentile bootstrap "
           "over patients (2000 resamples, seeded); two-sided Wilcoxon signed-rank test"}};
}

}  // namespace medsight

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

/// One patient's cross-validated result in one package.
struct PatientRow {
  /// The metric; empty when undefined (HD95 of an empty outline is null) or not recorded.
  std::optional<double> value;
  bool recorded = true;  ///< false: the row has no such field at all (an older package)
  /// The patients held out together with this one (sorted), i.e. who its fold network never
  /// saw; empty when the package does not say. Comparing these, not fold numbers, tells
  /// whether two packages trained the patient's network on the same patients.
  std::vector<std::string> heldOutWith;
  int fold = -1;
};

bool higherIsBetter(const std::string& metric) {
  return metric == "dice";
}

std::string manifestOf(const std::filesystem::path& folder) {
  return (folder / "manifest.json").string();
}

std::map<std::string, PatientRow> rowsOf(const SegmentationModelManifest& m,
                                         const std::filesystem::path& folder,
                                         const std::string& metric) {
  if (!m.validation.is_object() ||
      (m.validation.contains("per_patient") && !m.validation["per_patient"].is_array())) {
    throw Error(ErrorCode::ModelInvalid,
                manifestOf(folder) + ": validation.per_patient is not a list of patients");
  }
  const json rows = m.validation.value("per_patient", json::array());
  if (rows.empty()) {
    throw Error(ErrorCode::EmptyInput,
                manifestOf(folder) +
                    ": no cross-validated results (validation.per_patient) to compare; train "
                    "it with segment-train or join it with segment-ensemble");
  }
  std::map<std::string, std::vector<std::string>> heldOut;
  for (const auto& member : m.members) {
    auto together = member.heldOut;
    std::sort(together.begin(), together.end());
    for (const auto& patient : member.heldOut) heldOut[patient] = together;
  }
  const std::string field =
      metric == "absolute_volume_error_percent" ? "volume_error_percent" : metric;
  std::map<std::string, PatientRow> out;
  for (const auto& r : rows) {
    if (!r.is_object() || !r.contains("patient") || !r["patient"].is_string()) {
      throw Error(ErrorCode::ModelInvalid,
                  manifestOf(folder) + ": a validation.per_patient row has no patient");
    }
    const std::string patient = r["patient"].get<std::string>();
    PatientRow row;
    const auto it = r.find(field);
    row.recorded = it != r.end();
    if (row.recorded && it->is_number()) {
      const double v = it->get<double>();
      row.value = metric == "absolute_volume_error_percent" ? std::abs(v) : v;
    } else if (row.recorded && !it->is_null()) {
      throw Error(ErrorCode::ModelInvalid,
                  manifestOf(folder) + ": patient " + patient + ": " + field + " is not a number");
    }
    if (r.contains("fold") && r["fold"].is_number_integer()) row.fold = r["fold"].get<int>();
    if (const auto h = heldOut.find(patient); h != heldOut.end()) row.heldOutWith = h->second;
    if (!out.emplace(patient, row).second) {
      throw Error(ErrorCode::ModelInvalid,
                  manifestOf(folder) + ": patient " + patient + " is measured twice");
    }
  }
  return out;
}

/// True when the two packages' networks for this patient were trained on different patients;
/// false when they were on the same or when a package does not say.
bool trainedOnOtherPatients(const PatientRow& a, const PatientRow& b) {
  if (!a.heldOutWith.empty() && !b.heldOutWith.empty()) return a.heldOutWith != b.heldOutWith;
  return a.fold >= 0 && b.fold >= 0 && a.fold != b.fold;
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

  std::vector<std::string> onlyBaseline, onlyCandidate, notRecorded;
  json undefined = json::array();
  std::vector<double> b, c, diff;
  json perPatient = json::array();
  int candidateBetter = 0, baselineBetter = 0, ties = 0, otherPatients = 0;
  for (const auto& [patient, row] : base) {
    const auto it = cand.find(patient);
    if (it == cand.end()) {
      onlyBaseline.push_back(patient);
      continue;
    }
    const PatientRow& other = it->second;
    if (!row.recorded || !other.recorded) {
      notRecorded.push_back(patient);
      continue;
    }
    if (!row.value || !other.value) {
      // Undefined (an empty outline has no surface distance): left out of the means and the
      // test, but listed with the side it is undefined on, since an empty outline is a failure.
      undefined.push_back({{"patient", patient},
                           {"baseline_undefined", !row.value},
                           {"candidate_undefined", !other.value}});
      continue;
    }
    const double x = *row.value, y = *other.value;
    b.push_back(x);
    c.push_back(y);
    diff.push_back(y - x);
    const double gain = higherIsBetter(metric) ? y - x : x - y;
    (gain > 0 ? candidateBetter : gain < 0 ? baselineBetter : ties) += 1;
    const bool otherTraining = trainedOnOtherPatients(row, other);
    if (otherTraining) ++otherPatients;
    perPatient.push_back({{"patient", patient},
                          {"baseline", x},
                          {"candidate", y},
                          {"difference", y - x},
                          {"baseline_fold", row.fold},
                          {"candidate_fold", other.fold},
                          {"trained_on_other_patients", otherTraining}});
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
          {"patients_on_other_folds", otherPatients},
          {"only_in_baseline", onlyBaseline},
          {"only_in_candidate", onlyCandidate},
          {"metric_undefined", undefined},
          {"metric_not_recorded", notRecorded},
          {"per_patient", perPatient},
          {"protocol",
           "paired by patient; difference = candidate - baseline; 95 % percentile bootstrap "
           "over patients (2000 resamples, seeded); two-sided Wilcoxon signed-rank test"}};
}

}  // namespace medsight

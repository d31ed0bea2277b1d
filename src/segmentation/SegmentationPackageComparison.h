#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace medsight {

/// \brief Paired, patient-by-patient comparison of two segmentation packages' cross-validated
/// results (`validation.per_patient` of their manifests), as `medsight segment-compare` prints
/// it: is a candidate recipe or ensemble better than the baseline on the same patients?
///
/// Each patient measured by both packages is one pair. Reported: each package's mean over
/// those patients, the mean paired difference (candidate - baseline) with a 95 % percentile
/// bootstrap interval over patients, how many patients each package wins, and a Wilcoxon
/// signed-rank test. Pairing removes the patient-to-patient spread (a hard patient is hard for
/// both), which is why two packages' separate intervals can overlap while the paired one
/// does not. Patients measured by one package only, or whose metric is undefined (an empty
/// outline has no HD95) are listed, not compared; patients whose fold networks were trained on
/// different patients in the two packages (their held-out sets differ) are counted.
class SegmentationPackageComparison {
 public:
  /// \brief Metrics a comparison can use; the per-patient field each reads from.
  /// "dice" (higher is better), "hd95_mm", "mean_surface_distance_mm" and
  /// "absolute_volume_error_percent" (lower is better; the last from volume_error_percent).
  static bool knownMetric(const std::string& metric);

  /// \brief Compares; throws ModelInvalid for a folder that is not a segmentation package,
  /// EmptyInput when a package has no cross-validated rows or fewer than 2 patients are in
  /// both, InvalidArgument for an unknown metric.
  static nlohmann::json compare(const std::filesystem::path& baseline,
                                const std::filesystem::path& candidate,
                                const std::string& metric = "dice", std::uint64_t seed = 20240611);
};

}  // namespace medsight

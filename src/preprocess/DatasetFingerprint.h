#pragma once

#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace medsight {

/// \brief Measured properties of one case (image and label mask).
struct CaseFingerprint {
  std::string id;
  std::array<double, 3> spacing{};
  std::array<std::size_t, 3> size{};
  std::string modality;
  double foregroundFraction = 0.0;  ///< mask voxels / all voxels
  double foregroundVolumeMl = 0.0;
  /// \brief Foreground bounding box extent in mm (x, y, z).
  std::array<double, 3> foregroundExtentMm{};
};

/// \brief The nnU-Net "dataset fingerprint" (Isensee et al., Nature Methods 2021): spacings,
/// sizes, class balance and foreground intensity statistics of a data set, measured on the
/// data rather than assumed, from which a DatasetPlanner derives preprocessing decisions.
struct DatasetFingerprint {
  std::vector<CaseFingerprint> cases;
  /// \brief Intensities inside the masks, pooled over cases (up to 20,000 per case).
  double foregroundMean = 0.0;
  double foregroundStd = 0.0;
  double foregroundP005 = 0.0;  ///< 0.5th percentile
  double foregroundP995 = 0.0;  ///< 99.5th percentile
  double foregroundMedian = 0.0;
  /// \brief What a planner should know: case folders skipped because one of the two files is
  /// missing, images with one value inside their mask.
  std::vector<std::string> warnings;

  /// \brief Measures every case folder under `root` holding `imageFile` and `maskFile` (one
  /// sub-folder per patient) on `threads` workers. Masks on another grid than their image are
  /// GeometryMismatch errors naming the case; empty masks EmptyInput errors.
  static DatasetFingerprint measure(const std::filesystem::path& root, const std::string& imageFile,
                                    const std::string& maskFile, int threads);
  /// \brief Median over cases of spacing (axis a).
  double medianSpacing(int axis) const;
  /// \brief Serialises (per-case rows and pooled statistics).
  nlohmann::json toJson() const;
};

}  // namespace medsight

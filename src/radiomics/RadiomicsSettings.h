#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

namespace medsight {

/// \brief How intensities are mapped to grey levels (IBSI 2.7: fixed bin number FBN,
/// fixed bin size FBS, or none for data that are already discrete levels 1, 2, ...).
enum class DiscretisationMethod { None, FixedBinSize, FixedBinNumber };

/// \brief One discretisation choice.
struct DiscretisationSettings {
  DiscretisationMethod method = DiscretisationMethod::FixedBinNumber;
  double binWidth = 25.0;  ///< FBS bin width in intensity units
  int binCount = 32;       ///< FBN number of bins
};

/// \brief Interpolator used when resampling the image (IBSI 2.4).
enum class ImageInterpolator { Nearest, Linear, CubicBSpline };

/// \brief Typed radiomics configuration: the IBSI image-processing chain (interpolation,
/// re-segmentation, discretisation) and which feature families and aggregation methods to
/// compute. Read from JSON (`--config`) or built from the IBSI-1 CT-phantom configurations A-E.
struct RadiomicsSettings {
  /// \brief Largest number of grey levels allowed for texture matrices (dense GLCM: Ng^2).
  static constexpr int kMaxTextureLevels = 1024;

  // Interpolation (IBSI 2.4): off unless a spacing is given.
  bool interpolate = false;
  bool inPlaneOnly = false;                ///< 2D interpolation: z keeps its spacing
  std::array<double, 3> spacing{0, 0, 0};  ///< target spacing in mm (x, y, z)
  ImageInterpolator imageInterpolator = ImageInterpolator::Linear;
  double maskThreshold = 0.5;     ///< partial-volume threshold of the interpolated ROI
  bool roundIntensities = false;  ///< round to integers after interpolation (CT)

  // Re-segmentation (IBSI 2.5).
  std::optional<double> rangeLower, rangeUpper;
  std::optional<double> outlierSigma;  ///< remove voxels beyond mean +- k sigma

  // Discretisation (IBSI 2.7) for the intensity histogram and texture matrices, and for the
  // intensity-volume histogram.
  DiscretisationSettings texture{DiscretisationMethod::FixedBinNumber, 25.0, 32};
  /// \brief IVH discretisation (IBSI 3.5). FBS and none anchor the intensity fraction on the
  /// re-segmentation range when one is set (calibrated units); FBN always uses the ROI's own
  /// minimum and maximum (arbitrary units, as in configuration E).
  DiscretisationSettings ivh{DiscretisationMethod::FixedBinNumber, 2.5, 1000};

  // Texture aggregation (IBSI 3.6-3.11, "aggregating features"): which of 2D, 2.5D and 3D to
  // compute.
  bool compute2D = false, compute25D = false, compute3D = true;
  double ngldmAlpha = 0.0;  ///< NGLDM coarseness parameter (IBSI 3.11)

  /// \brief Feature families to compute; empty = all.
  std::set<std::string> families;
  /// \brief Mask value that marks the ROI; unset = any non-zero voxel.
  std::optional<double> maskLabel;
  /// \brief Human-readable name of the configuration (for output provenance).
  std::string label = "custom";

  /// \brief True when `family` should be computed.
  bool wants(const std::string& family) const {
    return families.empty() || families.count(family) > 0;
  }

  /// \brief Every family name this module knows.
  static const std::set<std::string>& allFamilies();
  /// \brief Parses a JSON configuration; throws InvalidConfiguration/BadJson naming `source`.
  static RadiomicsSettings fromJson(const std::string& text, const std::string& source);
  /// \brief Reads a JSON configuration file.
  static RadiomicsSettings fromFile(const std::filesystem::path& path);
  /// \brief The IBSI-1 CT phantom configuration 'A'..'E' (IBSI reference manual, chapter 5).
  static RadiomicsSettings ibsiConfiguration(char configuration);
  /// \brief Settings for the IBSI-1 digital phantom: no processing, no discretisation, all of
  /// 2D, 2.5D and 3D.
  static RadiomicsSettings digitalPhantom();
  /// \brief The configuration as JSON (same schema fromJson accepts).
  std::string toJson() const;
};

}  // namespace medsight

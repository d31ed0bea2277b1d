#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Image.h"
#include "segmentation/IntensitySignature.h"

namespace medsight {

/// \brief A further image of the same patient fed to a segmentation network beside the main
/// one (e.g. FDG-PET beside T1-weighted MR), read from the same case folder at training time
/// and given with `medsight segment --aux NAME=FILE` at prediction time.
///
/// The image must already lie in the main image's patient coordinate frame (same scanner
/// session, or brought there with `medsight register`): it is resampled onto the network's
/// working grid by physical position only. Its intensities are divided by a high percentile
/// over the covered voxels, so a hot lesion reads about 1 whatever the scanner's calibration;
/// or, for images in calibrated units (CT in Hounsfield units), mapped through a fixed window.
struct AuxiliaryChannel {
  std::string name;              ///< e.g. "PET"; what `--aux NAME=FILE` names
  std::string file;              ///< file in each case folder of the training data
  std::string modality;          ///< required modality when the file says ("" = any)
  double percentile = 99.5;      ///< intensities are divided by this percentile
  double clipHigh = 2.0;         ///< and clipped to [0, clipHigh] (one hot spot must not dominate)
  double minimumCoverage = 0.5;  ///< fraction of the working grid it must cover
  /// \brief Fixed window [low, high] in the image's own units mapped to [0, 1] (e.g. a CT
  /// soft-tissue window in HU), used instead of the percentile scaling when `windowHigh >
  /// windowLow`; voxels outside the image read 0 either way.
  double windowLow = 0.0;
  double windowHigh = 0.0;  ///< see windowLow; equal values = percentile scaling

  /// \brief True when intensities go through the fixed window rather than the percentile.
  bool usesWindow() const { return windowHigh > windowLow; }
  /// \brief Intensity range of the training cases' images of this channel (learned at training;
  /// refuses e.g. a CT in Hounsfield units given as PET, since NIfTI carries no modality).
  IntensitySignature intensity;

  /// \brief Serialises for configs and manifests.
  nlohmann::json toJson() const;
  /// \brief Parses one entry; throws InvalidConfiguration naming `context`.
  static AuxiliaryChannel fromJson(const nlohmann::json& j, const std::string& context);
  /// \brief Parses a list (null or missing = none); names must be unique.
  static std::vector<AuxiliaryChannel> listFromJson(const nlohmann::json& j,
                                                    const std::string& context);
  /// \brief Serialises a list.
  static nlohmann::json listToJson(const std::vector<AuxiliaryChannel>& channels);

  /// \brief Learns each channel's intensity signature from the cases' images as read
  /// (`perCase[i][k]` is case i's image of channel k).
  static void learnIntensities(std::vector<AuxiliaryChannel>& channels,
                               const std::vector<std::vector<const Image*>>& perCase);

  /// \brief `image` resampled (linear) onto `working`'s grid and normalised. WrongModality when
  /// its modality is not this channel's or its intensities are unlike the training images' of
  /// this channel, GeometryMismatch when it covers less than
  /// `minimumCoverage` of the working grid (not co-registered), EmptyInput when it is blank
  /// where it overlaps. `checkIntensity` false skips the intensity-range check (the user's
  /// --no-intensity-check).
  Image onto(const Image& image, const Image& working, bool checkIntensity = true) const;
  /// \brief Refuses (InvalidArgument) an auxiliary `image` whose DICOM PatientID differs from
  /// the main image's, when both carry one (NIfTI carries none); warns when their DICOM frames
  /// of reference differ, since the position mapping then assumes they were registered.
  void checkSamePatient(const Image& main, const Image& image) const;
};

}  // namespace medsight

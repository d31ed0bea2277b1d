#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "core/Image.h"
#include "preprocess/BoundingBoxCropper.h"
#include "segmentation/SegmentationModelManifest.h"

namespace medsight {

class SegmentationNetworkEnsemble;

/// \brief Result of segmenting one image.
struct TumourSegmentation {
  Image mask;         ///< UInt8 0/1 on the input image's grid
  Image probability;  ///< Float32 foreground probability on the input image's grid
  double volumeMl = 0.0;
  double seconds = 0.0;
  /// Voxel box of the input that was segmented (segmentWithin: the ROI grown by the margin).
  std::optional<VoxelBox> segmentedBox;
  /// \brief For a package of several configurations (e.g. 2.5D and 3D, MR-only and MR + PET):
  /// the lowest Dice between one configuration's thresholded output and the ensemble's, on the
  /// working grid. Low means one part outlines something else (e.g. a PET hot spot), so the
  /// average is less trustworthy; empty for a single configuration.
  std::optional<double> configurationAgreement;
  /// \brief Below this configurationAgreement the outline is flagged for careful review. Fixed
  /// a priori (before it was measured on the cross-validation), not tuned.
  static constexpr double kReviewAgreement = 0.7;
};

/// \brief Applies a segmentation package to images: replays the recorded preprocessing,
/// runs the ensemble by sliding window, maps the probability back onto the input grid
/// (linear interpolation), thresholds and keeps the largest connected component.
class TumourSegmenter {
 public:
  /// \brief Loads and verifies a package folder (ModelInvalid / ModelTampered).
  TumourSegmenter(const std::filesystem::path& package, int threads);
  /// \brief Uses in-memory networks (cross-validation folds before a package exists): the
  /// primary configuration's, and one ensemble per entry of `manifest.ensembledWith`.
  TumourSegmenter(
      SegmentationModelManifest manifest,
      std::shared_ptr<const SegmentationNetworkEnsemble> ensemble,
      std::vector<std::shared_ptr<const SegmentationNetworkEnsemble>> ensembledWith = {});
  ~TumourSegmenter();

  /// \brief Segments `image`; WrongModality when the image's modality is not the model's or
  /// its intensities fall outside the package's trained range (see IntensitySignature).
  /// `auxiliary` gives the further images the model takes (manifest().auxiliary, in order, e.g.
  /// PET), in the same patient coordinates as `image`; InvalidArgument when they are missing.
  TumourSegmentation segment(const Image& image,
                             const std::vector<const Image*>& auxiliary = {}) const {
    return segmentChecked(image, auxiliary, intensityCheck_);
  }
  /// \brief Segments inside a region of interest: `roi` (voxel box of `image`) grown by
  /// `marginMm` on every side is cropped, segmented and the result put back on the whole grid
  /// (zero outside). Modality and intensity range are checked on the whole image, since a small
  /// box need not show the full intensity range. For models trained on crops around the lesion
  /// (position channels), this is how an uncropped image is read: the box is the reader's prompt
  /// for where the lesion is.
  TumourSegmentation segmentWithin(const Image& image, const VoxelBox& roi, double marginMm,
                                   const std::vector<const Image*>& auxiliary = {}) const;
  /// \brief Turns the intensity-range check off (an input the user knows is of the model's
  /// modality, in unusual units).
  void setIntensityCheck(bool on) { intensityCheck_ = on; }
  /// \brief The package manifest.
  const SegmentationModelManifest& manifest() const { return manifest_; }
  /// \brief Voxels of a Float32 probability image at or above `threshold` (1) or not (0).
  static std::vector<std::uint8_t> outline(const Image& probability, double threshold);
  /// \brief Lowest Dice between any configuration's outline and the ensemble's (see
  /// TumourSegmentation::configurationAgreement); 1 when both are empty.
  static double lowestAgreement(const std::vector<std::vector<std::uint8_t>>& parts,
                                const std::vector<std::uint8_t>& ensemble);

 private:
  TumourSegmentation segmentChecked(const Image& image, const std::vector<const Image*>& auxiliary,
                                    bool checkIntensity) const;
  /// WrongModality when the image's intensity range is unlike the training images'.
  void refuseUnlikeIntensities(const Image& image) const;

  SegmentationModelManifest manifest_;
  std::shared_ptr<const SegmentationNetworkEnsemble> ensemble_;
  std::vector<std::shared_ptr<const SegmentationNetworkEnsemble>> ensembledWith_;
  bool intensityCheck_ = true;
};

}  // namespace medsight

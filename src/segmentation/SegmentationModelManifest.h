#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/UNetSpec.h"
#include "segmentation/AuxiliaryChannel.h"
#include "segmentation/IntensitySignature.h"
#include "segmentation/SlidingWindowSettings.h"

namespace medsight {

/// \brief One trained network of a segmentation package (e.g. one cross-validation fold).
struct SegmentationMember {
  std::string file;    ///< weights file name inside the package
  std::string sha256;  ///< checked before loading
  int fold = 0;
  std::vector<std::string> heldOut;  ///< patients this member never saw
};

/// \brief A further network configuration whose probabilities are averaged with the package's
/// primary one (nnU-Net's ensemble of its 2D and 3D configurations): its own network and
/// sliding window, the same preprocessing and folds. Threshold and largest-component settings
/// are the primary configuration's.
struct SegmentationConfiguration {
  std::string name;  ///< recipe name, e.g. "sts-mr-t1-unet-3d"
  UNetSpec network;
  SlidingWindowSettings inference;
  std::vector<SegmentationMember> members;
};

/// \brief `manifest.json` of a segmentation model package (format medsight-segmentation/1, or /2
/// or /3 when a feature needs it, see kFormatV2 and kFormatV3):
/// the network, the preprocessing pipeline replayed on every input, sliding-window and
/// post-processing settings, member weights with SHA-256, how it was trained and its
/// cross-validated metrics.
struct SegmentationModelManifest {
  static constexpr const char* kFormat = "medsight-segmentation/1";
  /// \brief Format written when a package uses something a format-1 reader would misread: an
  /// auxiliary channel with a fixed window (it would scale the channel by its percentile) or
  /// preprocessing through OpenCV (`clahe`, OpenCV NLM; it would run ITK's filters). Older
  /// binaries then refuse the package.
  static constexpr const char* kFormatV2 = "medsight-segmentation/2";
  /// \brief Format written when a configuration reads slices across another axis
  /// (SlidingWindowSettings::sliceAxis): a format-1 or -2 reader would ignore the setting and
  /// run the network on the wrong slices.
  static constexpr const char* kFormatV3 = "medsight-segmentation/3";
  /// \brief The format this manifest needs: the lowest one that holds every feature it uses.
  const char* requiredFormat() const;
  std::string name;
  std::string version = "1.0.0";
  std::string description;
  std::string structure = "GTV";  ///< label name of class 1
  std::string modality;           ///< required input modality ("" = any)
  IntensitySignature intensity;   ///< intensity range of the training images (accepts.intensity)
  /// \brief Further co-registered images the networks take beside the main one
  /// (accepts.auxiliary), in input-channel order; configurations with fewer image channels use
  /// the first ones.
  std::vector<AuxiliaryChannel> auxiliary;
  UNetSpec network;
  nlohmann::json preprocessing;  ///< medsight-preprocess/1 pipeline
  SlidingWindowSettings inference;
  std::vector<SegmentationMember> members;
  /// \brief Configurations ensembled with the primary one; the package's probability is the
  /// mean over configurations of each configuration's mean over its members (empty: one).
  std::vector<SegmentationConfiguration> ensembledWith;
  nlohmann::json training = nlohmann::json::object();
  nlohmann::json validation = nlohmann::json::object();

  nlohmann::json toJson() const;
  /// \brief Parses; throws ModelInvalid naming `context` for a missing or malformed field.
  static SegmentationModelManifest fromJson(const nlohmann::json& j, const std::string& context);
  /// \brief Reads `folder/manifest.json` (ModelInvalid when absent or not a segmentation model).
  static SegmentationModelManifest read(const std::filesystem::path& folder);
  /// \brief Writes `folder/manifest.json` atomically.
  void write(const std::filesystem::path& folder) const;
  /// \brief Every member file of every configuration, primary first.
  std::vector<const SegmentationMember*> allMembers() const;
  /// \brief Checks each member's SHA-256 (ModelInvalid when missing, ModelTampered on mismatch).
  void verify(const std::filesystem::path& folder) const;
};

}  // namespace medsight

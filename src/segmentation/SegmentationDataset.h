#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "segmentation/AuxiliaryChannel.h"
#include "segmentation/SegmentationCase.h"

namespace medsight {

/// \brief A folder of cases, one sub-folder per patient holding an image and its mask (the
/// layout of the sarcoma cohort: `STS_001/MR_T1_image.nii.gz`, `STS_001/MR_T1_mask.nii.gz`).
class SegmentationDataset {
 public:
  /// \brief Case folders under `root` that hold both files (and every auxiliary channel's
  /// file), sorted by name. Throws FileNotFound when `root` is missing and EmptyInput when no
  /// case is complete.
  static std::vector<std::string> caseIds(const std::filesystem::path& root,
                                          const std::string& imageFile, const std::string& maskFile,
                                          const std::vector<AuxiliaryChannel>& auxiliary = {});
  /// \brief Reads the cases and runs `pipeline` (medsight-preprocess/1 JSON) on image and mask.
  /// A mask on another grid than its image is a GeometryMismatch error, an empty mask an
  /// EmptyInput error, both naming the case. Auxiliary channels are read from the same folder
  /// and mapped onto the preprocessed grid (AuxiliaryChannel::onto). Cases are read on
  /// `threads` workers.
  static std::vector<SegmentationCase> load(const std::filesystem::path& root,
                                            const std::vector<std::string>& ids,
                                            const std::string& imageFile,
                                            const std::string& maskFile,
                                            const nlohmann::json& pipeline, int threads,
                                            const std::vector<AuxiliaryChannel>& auxiliary = {});
  /// \brief Reads one image/mask pair and checks they can be compared (same grid, mask not
  /// empty); the mask becomes UInt8 0/1.
  static SegmentationCase readPair(const std::filesystem::path& image,
                                   const std::filesystem::path& mask, const std::string& id);
};

}  // namespace medsight

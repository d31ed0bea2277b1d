#pragma once

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief Patch-based non-local means denoising (Awate and Whitaker, IEEE TPAMI 2006, as
/// implemented by itk::PatchBasedDenoisingImageFilter) with patches sampled semi-locally around
/// each voxel and the kernel bandwidth estimated from the image. Pipeline step
/// "non_local_means"; parameters `patch_radius` (voxels along the coarsest axis: ITK keeps
/// patches isotropic in mm), `iterations`, `noise_model`
/// ("none", "gaussian", "rician" for magnitude MR, "poisson" for counts), `search_radius`
/// (voxels), `sample_patches`, `seed` (the sampler is random; a fixed seed replays exactly),
/// `kernel_bandwidth` ("noise": from a robust estimate of the noise level and the patch size;
/// "entropy": ITK's own estimate), `slicewise` ("auto", true, false). Each ITK iteration moves a
/// voxel only 20 % of the way to its patch-weighted mean, hence several iterations by default.
///
/// ITK sizes patches isotropically in mm from the coarsest spacing, so on thick-slice volumes
/// (1 x 1 x 3.3 mm) a radius of 2 slices becomes 15 x 15 x 5 voxels and the filter runs ~50x
/// longer than on isotropic data, while averaging across 3 mm slices blurs what it should keep.
/// "auto" therefore denoises slice by slice with in-plane patches when the slice spacing is more
/// than twice the in-plane spacing (the usual choice for 2D-acquired MR and thick-slice CT); the
/// noise level and kernel bandwidth are estimated once for the whole volume so every slice is
/// treated alike.
class NonLocalMeansDenoiser : public PreprocessStep {
 public:
  /// \brief Reads parameters from a pipeline step object.
  NonLocalMeansDenoiser(const nlohmann::json& step, const std::string& context);
  std::string name() const override { return "non_local_means"; }
  nlohmann::json parameters() const override;
  nlohmann::json apply(PreprocessSubject& subject) const override;

 private:
  int patchRadius_ = 2;
  int iterations_ = 5;
  std::string noiseModel_ = "gaussian";
  int searchRadius_ = 10;
  int samplePatches_ = 100;
  int seed_ = 1;
  std::string kernelBandwidth_ = "noise";
  std::string slicewise_ = "auto";
};

}  // namespace medsight

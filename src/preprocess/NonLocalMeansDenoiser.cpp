#include "preprocess/NonLocalMeansDenoiser.h"

#include <itkGaussianRandomSpatialNeighborSubsampler.h>
#include <itkPatchBasedDenoisingImageFilter.h>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

NonLocalMeansDenoiser::NonLocalMeansDenoiser(const nlohmann::json& step,
                                             const std::string& context) {
  StepParameterReader p(step, context);
  patchRadius_ = p.integer("patch_radius", patchRadius_, 1, 8);
  iterations_ = p.integer("iterations", iterations_, 1, 20);
  noiseModel_ = p.choice("noise_model", noiseModel_, {"none", "gaussian", "rician", "poisson"});
  searchRadius_ = p.integer("search_radius", searchRadius_, 1, 100);
  samplePatches_ = p.integer("sample_patches", samplePatches_, 5, 10000);
  seed_ = p.integer("seed", seed_, 0, 1 << 30);
  p.finish();
}

nlohmann::json NonLocalMeansDenoiser::parameters() const {
  return {{"patch_radius", patchRadius_},     {"iterations", iterations_},
          {"noise_model", noiseModel_},       {"search_radius", searchRadius_},
          {"sample_patches", samplePatches_}, {"seed", seed_}};
}

nlohmann::json NonLocalMeansDenoiser::apply(PreprocessSubject& subject) const {
  double sigma = 0.0;
  subject.image = itk_runner::filterFloat(subject.image, "non_local_means", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    using Filter = itk::PatchBasedDenoisingImageFilter<T, T>;
    auto filter = Filter::New();
    filter->SetInput(in);
    filter->SetPatchRadius(static_cast<unsigned>(patchRadius_));
    filter->SetNumberOfIterations(static_cast<unsigned>(iterations_));
    filter->KernelBandwidthEstimationOn();
    if (noiseModel_ == "gaussian") filter->SetNoiseModel(Filter::NoiseModelEnum::GAUSSIAN);
    if (noiseModel_ == "rician") filter->SetNoiseModel(Filter::NoiseModelEnum::RICIAN);
    if (noiseModel_ == "poisson") filter->SetNoiseModel(Filter::NoiseModelEnum::POISSON);
    if (noiseModel_ != "none") filter->SetNoiseModelFidelityWeight(0.05);
    using Sampler =
        itk::Statistics::GaussianRandomSpatialNeighborSubsampler<typename Filter::PatchSampleType,
                                                                 typename T::RegionType>;
    auto sampler = Sampler::New();
    sampler->SetVariance(static_cast<double>(searchRadius_ * searchRadius_) / 4.0);
    sampler->SetRadius(static_cast<unsigned>(searchRadius_));
    sampler->SetNumberOfResultsRequested(static_cast<unsigned>(samplePatches_));
    sampler->SetSeed(static_cast<typename Sampler::SeedType>(seed_));
    sampler->CanSelectQueryOff();
    filter->SetSampler(sampler);
    filter->Update();
    const auto sig = filter->GetKernelBandwidthSigma();
    if (sig.Size() > 0) sigma = sig[0];
    typename T::Pointer out = filter->GetOutput();
    return out;
  });
  return {{"kernel_bandwidth_sigma", sigma}};
}

}  // namespace medsight

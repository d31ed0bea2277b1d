#include "preprocess/UnsharpMaskEnhancer.h"

#include <itkUnsharpMaskImageFilter.h>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

UnsharpMaskEnhancer::UnsharpMaskEnhancer(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  sigmaMm_ = p.number("sigma_mm", sigmaMm_, 0.01, 100);
  amount_ = p.number("amount", amount_, 0, 10);
  threshold_ = p.number("threshold", threshold_, 0, 1e9);
  p.finish();
}

nlohmann::json UnsharpMaskEnhancer::parameters() const {
  return {{"sigma_mm", sigmaMm_}, {"amount", amount_}, {"threshold", threshold_}};
}

nlohmann::json UnsharpMaskEnhancer::apply(PreprocessSubject& subject) const {
  subject.image = itk_runner::filterFloat(subject.image, "unsharp_mask", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    using Filter = itk::UnsharpMaskImageFilter<T, T, float>;
    auto f = Filter::New();
    typename Filter::SigmaArrayType sigmas;
    sigmas.Fill(sigmaMm_);
    f->SetSigmas(sigmas);
    f->SetAmount(static_cast<float>(amount_));
    f->SetThreshold(static_cast<float>(threshold_));
    f->SetInput(in);
    f->Update();
    typename T::Pointer out = f->GetOutput();
    return out;
  });
  return nlohmann::json::object();
}

}  // namespace medsight

#include "preprocess/MedianDenoiser.h"

#include <itkMedianImageFilter.h>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

MedianDenoiser::MedianDenoiser(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  radius_ = p.triple("radius", radius_, 0, 10, &planar_);
  p.finish();
}

nlohmann::json MedianDenoiser::parameters() const {
  return {{"radius", StepParameterReader::tripleJson(radius_, planar_)}};
}

nlohmann::json MedianDenoiser::apply(PreprocessSubject& subject) const {
  StepParameterReader::requirePlanarFits(planar_, subject.image, "median", "radius");
  subject.image = itk_runner::filterFloat(subject.image, "median", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    auto filter = itk::MedianImageFilter<T, T>::New();
    typename T::SizeType r;
    for (unsigned i = 0; i < T::ImageDimension; ++i) r[i] = static_cast<unsigned>(radius_[i]);
    filter->SetRadius(r);
    filter->SetInput(in);
    filter->Update();
    typename T::Pointer out = filter->GetOutput();
    return out;
  });
  return nlohmann::json::object();
}

}  // namespace medsight

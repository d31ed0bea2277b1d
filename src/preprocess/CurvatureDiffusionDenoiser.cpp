#include "preprocess/CurvatureDiffusionDenoiser.h"

#include <itkCurvatureAnisotropicDiffusionImageFilter.h>

#include <algorithm>
#include <cmath>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

CurvatureDiffusionDenoiser::CurvatureDiffusionDenoiser(const nlohmann::json& step,
                                                       const std::string& context) {
  StepParameterReader p(step, context);
  iterations_ = p.integer("iterations", iterations_, 1, 200);
  conductance_ = p.number("conductance", conductance_, 0.01, 100);
  timeStep_ = p.number("time_step", timeStep_, 0, 10);
  p.finish();
}

nlohmann::json CurvatureDiffusionDenoiser::parameters() const {
  return {{"iterations", iterations_}, {"conductance", conductance_}, {"time_step", timeStep_}};
}

nlohmann::json CurvatureDiffusionDenoiser::apply(PreprocessSubject& subject) const {
  const int d = subject.image.spatialDimension();
  double minSpacing = subject.image.geometry().spacing[0];
  for (int i = 1; i < d; ++i)
    minSpacing = std::min(minSpacing, subject.image.geometry().spacing[i]);
  // ITK's explicit scheme is stable for dt <= min spacing / 2^(N+1).
  const double stable = minSpacing / std::pow(2.0, d + 1);
  const double dt = timeStep_ > 0 ? std::min(timeStep_, stable) : stable;
  subject.image = itk_runner::filterFloat(subject.image, "curvature_diffusion", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    auto filter = itk::CurvatureAnisotropicDiffusionImageFilter<T, T>::New();
    filter->SetNumberOfIterations(static_cast<unsigned>(iterations_));
    filter->SetConductanceParameter(conductance_);
    filter->SetTimeStep(dt);
    filter->SetInput(in);
    filter->Update();
    typename T::Pointer out = filter->GetOutput();
    return out;
  });
  return {{"time_step_used", dt}};
}

}  // namespace medsight

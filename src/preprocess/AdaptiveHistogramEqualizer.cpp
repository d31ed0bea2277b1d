#include "preprocess/AdaptiveHistogramEqualizer.h"

#include <itkAdaptiveHistogramEqualizationImageFilter.h>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

AdaptiveHistogramEqualizer::AdaptiveHistogramEqualizer(const nlohmann::json& step,
                                                       const std::string& context) {
  StepParameterReader p(step, context);
  alpha_ = p.number("alpha", alpha_, 0, 1);
  beta_ = p.number("beta", beta_, 0, 1);
  radius_ = p.triple("radius", radius_, 1, 64, &planar_);
  p.finish();
}

nlohmann::json AdaptiveHistogramEqualizer::parameters() const {
  return {{"alpha", alpha_},
          {"beta", beta_},
          {"radius", StepParameterReader::tripleJson(radius_, planar_)}};
}

nlohmann::json AdaptiveHistogramEqualizer::apply(PreprocessSubject& subject) const {
  StepParameterReader::requirePlanarFits(planar_, subject.image, "adaptive_histogram_equalization",
                                         "radius");
  subject.image =
      itk_runner::filterFloat(subject.image, "adaptive_histogram_equalization", [&](auto in) {
        using T = typename decltype(in)::ObjectType;
        auto f = itk::AdaptiveHistogramEqualizationImageFilter<T>::New();
        f->SetAlpha(static_cast<float>(alpha_));
        f->SetBeta(static_cast<float>(beta_));
        typename T::SizeType r;
        for (unsigned i = 0; i < T::ImageDimension; ++i) {
          r[i] = static_cast<unsigned>(radius_[i]);
        }
        f->SetRadius(r);
        f->SetInput(in);
        f->Update();
        typename T::Pointer out = f->GetOutput();
        return out;
      });
  return nlohmann::json::object();
}

}  // namespace medsight

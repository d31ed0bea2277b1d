#include "preprocess/SpacingResampler.h"

#include "core/Error.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

SpacingResampler::SpacingResampler(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  if (!p.has("spacing")) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": 'spacing' (mm) is required");
  }
  spacing_ = p.triple("spacing", spacing_, 0, 100, &planar_);
  interpolation_ =
      parseInterpolation(p.choice("interpolation", "linear", {"linear", "bspline", "nearest"}));
  p.finish();
}

nlohmann::json SpacingResampler::parameters() const {
  return {{"spacing", StepParameterReader::tripleJson(spacing_, planar_)},
          {"interpolation", interpolationName(interpolation_)}};
}

nlohmann::json SpacingResampler::apply(PreprocessSubject& subject) const {
  StepParameterReader::requirePlanarFits(planar_, subject.image, "resample", "spacing");
  const Image grid = GridResampler::emptyGridWithSpacing(subject.image, spacing_);
  const auto before = subject.image.size();
  subject.image = GridResampler::onto(subject.image, grid, interpolation_);
  if (subject.mask) {
    subject.mask = GridResampler::onto(*subject.mask, grid, Interpolation::Nearest);
  }
  return {{"input_size", {before.x, before.y, before.z}},
          {"output_size", {grid.size().x, grid.size().y, grid.size().z}},
          {"output_spacing", grid.geometry().spacing}};
}

}  // namespace medsight

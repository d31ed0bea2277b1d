#include "preprocess/CtWindowNormalizer.h"

#include <algorithm>
#include <map>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

CtWindowNormalizer::CtWindowNormalizer(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  static const std::map<std::string, std::pair<double, double>> presets{
      {"soft_tissue", {40, 400}}, {"lung", {-600, 1500}}, {"bone", {400, 1800}},
      {"brain", {40, 80}},        {"liver", {60, 150}},   {"mediastinum", {50, 350}}};
  const std::string preset =
      p.choice("preset", "", {"soft_tissue", "lung", "bone", "brain", "liver", "mediastinum"});
  if (!preset.empty()) std::tie(center_, width_) = presets.at(preset);
  if (!preset.empty() && (p.has("center") || p.has("width"))) {
    throw Error(ErrorCode::InvalidConfiguration,
                context + ": give either 'preset' or 'center'/'width', not both");
  }
  center_ = p.number("center", center_, -5000, 20000);
  width_ = p.number("width", width_, 1, 30000);
  rescale_ = p.boolean("rescale", rescale_);
  p.finish();
}

nlohmann::json CtWindowNormalizer::parameters() const {
  return {{"center", center_}, {"width", width_}, {"rescale", rescale_}};
}

nlohmann::json CtWindowNormalizer::apply(PreprocessSubject& subject) const {
  itk_runner::requireScalarVolume(subject.image, "ct_window");
  if (!subject.image.modality().empty() && subject.image.modality() != "CT") {
    throw Error(ErrorCode::WrongModality,
                "ct_window: HU windows apply to CT, the image is " + subject.image.modality());
  }
  Image out = subject.image.castTo(PixelType::Float32);
  const double lo = center_ - width_ / 2, hi = center_ + width_ / 2;
  std::size_t clipped = 0;
  for (float& v : out.pixels<float>()) {
    const double c = std::clamp<double>(v, lo, hi);
    clipped += c != v;
    v = static_cast<float>(rescale_ ? (c - lo) / (hi - lo) : c);
  }
  subject.image = std::move(out);
  return {{"clipped_fraction",
           static_cast<double>(clipped) / static_cast<double>(subject.image.sampleCount())}};
}

}  // namespace medsight

#include "preprocess/FatReferenceNormalizer.h"

#include "preprocess/IntensityStatistics.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/OtsuThresholds.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

FatReferenceNormalizer::FatReferenceNormalizer(const nlohmann::json& step,
                                               const std::string& context) {
  StepParameterReader p(step, context);
  reference_ = p.choice("reference", reference_, {"auto", "mask"});
  target_ = p.number("target", target_, 1e-6, 1e9);
  p.finish();
}

nlohmann::json FatReferenceNormalizer::parameters() const {
  return {{"reference", reference_}, {"target", target_}};
}

nlohmann::json FatReferenceNormalizer::apply(PreprocessSubject& subject) const {
  itk_runner::requireScalarVolume(subject.image, "fat_reference");
  if (!subject.image.modality().empty() && subject.image.modality() != "MR") {
    throw Error(
        ErrorCode::WrongModality,
        "fat_reference: fat normalisation applies to MR, the image is " + subject.image.modality());
  }
  Image out = subject.image.castTo(PixelType::Float32);
  double fat = 0.0, fraction = 0.0;
  if (reference_ == "mask") {
    if (!subject.mask) {
      throw Error(ErrorCode::InvalidArgument,
                  "fat_reference: reference \"mask\" needs a fat mask with the image");
    }
    const auto stats = IntensityStatistics::collect(out, &*subject.mask);
    if (stats.count() == 0) throw Error(ErrorCode::EmptyInput, "fat_reference: the mask is empty");
    fat = stats.percentile(50);
    fraction = static_cast<double>(stats.count()) / static_cast<double>(out.voxelsPerFrame());
  } else {
    const auto all = IntensityStatistics::collect(out, nullptr, 500000);
    const auto t = OtsuThresholds::compute(all, 3);
    std::vector<float> bright;
    for (float v : all.sorted()) {
      if (v > t[1]) bright.push_back(v);
    }
    const IntensityStatistics fatStats(std::move(bright));
    if (fatStats.count() == 0) throw Error(ErrorCode::EmptyInput, "fat_reference: no fat class");
    fat = fatStats.percentile(50);
    fraction = static_cast<double>(fatStats.count()) / static_cast<double>(all.count());
  }
  if (!(fat > 0)) {
    throw Error(ErrorCode::EmptyInput,
                "fat_reference: the fat intensity is not positive (" + std::to_string(fat) + ")");
  }
  const double scale = target_ / fat;
  for (float& v : out.pixels<float>()) v = static_cast<float>(v * scale);
  subject.image = std::move(out);
  return {{"fat_intensity", fat}, {"fat_fraction", fraction}, {"scale", scale}};
}

}  // namespace medsight

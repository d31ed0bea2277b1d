#include "models/PreprocessingSpec.h"

#include "core/Error.h"

namespace medsight {
namespace {

template <class T>
void read(const nlohmann::json& j, const char* key, T& out, const char* context) {
  if (!j.contains(key)) return;
  try {
    out = j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::InvalidConfiguration,
                std::string(context) + ": '" + key + "' has the wrong type");
  }
}

}  // namespace

nlohmann::json PreprocessingSpec::toJson() const {
  return {{"height", height},
          {"width", width},
          {"channels", channels},
          {"resize", resize},
          {"intensity", intensity},
          {"low_percentile", lowPercentile},
          {"high_percentile", highPercentile},
          {"window_center", windowCenter},
          {"window_width", windowWidth},
          {"mean", mean},
          {"std", std}};
}

PreprocessingSpec PreprocessingSpec::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error(ErrorCode::InvalidConfiguration, "preprocess must be an object");
  PreprocessingSpec s;
  const char* ctx = "preprocess";
  read(j, "height", s.height, ctx);
  read(j, "width", s.width, ctx);
  read(j, "channels", s.channels, ctx);
  read(j, "resize", s.resize, ctx);
  read(j, "intensity", s.intensity, ctx);
  read(j, "low_percentile", s.lowPercentile, ctx);
  read(j, "high_percentile", s.highPercentile, ctx);
  read(j, "window_center", s.windowCenter, ctx);
  read(j, "window_width", s.windowWidth, ctx);
  read(j, "mean", s.mean, ctx);
  read(j, "std", s.std, ctx);
  if (s.height < 8 || s.width < 8 || s.height > 1024 || s.width > 1024) {
    throw Error(ErrorCode::InvalidConfiguration, "preprocess: height/width must be 8..1024");
  }
  if (s.channels != 1 && s.channels != 3) {
    throw Error(ErrorCode::InvalidConfiguration, "preprocess: channels must be 1 or 3");
  }
  if (s.resize != "stretch" && s.resize != "pad_square") {
    throw Error(ErrorCode::InvalidConfiguration,
                "preprocess: resize must be stretch or pad_square");
  }
  if (s.intensity != "unit" && s.intensity != "percentile" && s.intensity != "window") {
    throw Error(ErrorCode::InvalidConfiguration,
                "preprocess: intensity must be unit, percentile or window");
  }
  if (!(s.std > 0) || !(s.windowWidth > 0) || !(s.lowPercentile < s.highPercentile)) {
    throw Error(ErrorCode::InvalidConfiguration,
                "preprocess: std and window_width must be positive, low < high percentile");
  }
  return s;
}

bool AugmentationSpec::enabled() const {
  return rotationDegrees > 0 || scaleMin != 1.0 || scaleMax != 1.0 || translate > 0 ||
         horizontalFlip || brightness > 0 || contrast > 0 || gamma > 0 || noiseStd > 0;
}

nlohmann::json AugmentationSpec::toJson() const {
  return {{"rotation_degrees", rotationDegrees},
          {"scale", {scaleMin, scaleMax}},
          {"translate", translate},
          {"horizontal_flip", horizontalFlip},
          {"brightness", brightness},
          {"contrast", contrast},
          {"gamma", gamma},
          {"noise_std", noiseStd}};
}

AugmentationSpec AugmentationSpec::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error(ErrorCode::InvalidConfiguration, "augment must be an object");
  AugmentationSpec a;
  const char* ctx = "augment";
  read(j, "rotation_degrees", a.rotationDegrees, ctx);
  if (j.contains("scale")) {
    if (!j["scale"].is_array() || j["scale"].size() != 2) {
      throw Error(ErrorCode::InvalidConfiguration, "augment: scale must be [min, max]");
    }
    a.scaleMin = j["scale"][0].get<double>();
    a.scaleMax = j["scale"][1].get<double>();
  }
  read(j, "translate", a.translate, ctx);
  read(j, "horizontal_flip", a.horizontalFlip, ctx);
  read(j, "brightness", a.brightness, ctx);
  read(j, "contrast", a.contrast, ctx);
  read(j, "gamma", a.gamma, ctx);
  read(j, "noise_std", a.noiseStd, ctx);
  if (a.scaleMin <= 0 || a.scaleMax < a.scaleMin || a.translate < 0 || a.translate > 0.5) {
    throw Error(ErrorCode::InvalidConfiguration,
                "augment: 0 < scale min <= max and translate in [0, 0.5] required");
  }
  return a;
}

}  // namespace medsight

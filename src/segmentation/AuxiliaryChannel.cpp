#include "segmentation/AuxiliaryChannel.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/Error.h"
#include "preprocess/GridResampler.h"
#include "preprocess/IntensityStatistics.h"

namespace medsight {

nlohmann::json AuxiliaryChannel::toJson() const {
  nlohmann::json j = {{"name", name},          {"file", file},
                      {"modality", modality},  {"percentile", percentile},
                      {"clip_high", clipHigh}, {"minimum_coverage", minimumCoverage}};
  if (usesWindow()) {
    j.erase("percentile");
    j.erase("clip_high");
    j["window"] = {windowLow, windowHigh};
  }
  if (!intensity.empty()) j["intensity"] = intensity.toJson();
  return j;
}

AuxiliaryChannel AuxiliaryChannel::fromJson(const nlohmann::json& j, const std::string& context) {
  auto bad = [&](const std::string& what) {
    return Error(ErrorCode::InvalidConfiguration, context + ": auxiliary channel " + what);
  };
  if (!j.is_object()) throw bad("must be an object {\"name\": ..., \"file\": ...}");
  // Unknown keys are refused rather than ignored: a misspelt or newer setting that is silently
  // dropped would change how the channel is scaled without anyone noticing.
  static const std::set<std::string> known{"name",       "file",      "modality",
                                           "percentile", "clip_high", "minimum_coverage",
                                           "intensity",  "window"};
  for (const auto& item : j.items()) {
    const std::string key = item.key();
    if (!known.count(key)) {
      const auto name = j.find("name");
      const std::string who =
          name != j.end() && name->is_string() ? name->get<std::string>() : std::string("?");
      throw bad(who + ": unknown setting '" + key +
                "' (known: name, file, modality, percentile, clip_high, minimum_coverage, "
                "intensity, window)");
    }
  }
  AuxiliaryChannel c;
  try {
    c.name = j.at("name").get<std::string>();
    c.file = j.value("file", "");
    c.modality = j.value("modality", "");
    c.percentile = j.value("percentile", c.percentile);
    c.clipHigh = j.value("clip_high", c.clipHigh);
    c.minimumCoverage = j.value("minimum_coverage", c.minimumCoverage);
    c.intensity = IntensitySignature::fromJson(j.value("intensity", nlohmann::json()));
    if (j.contains("window")) {
      const auto& w = j.at("window");
      if (!w.is_array() || w.size() != 2 || !w[0].is_number() || !w[1].is_number() ||
          !(w[1].get<double>() > w[0].get<double>())) {
        throw bad(c.name + ": 'window' must be [low, high] with high > low (e.g. [-160, 240] HU)");
      }
      if (j.contains("percentile") || j.contains("clip_high")) {
        throw bad(c.name +
                  ": give either 'window' (fixed units, e.g. CT) or 'percentile'/'clip_high' "
                  "(relative scaling, e.g. PET), not both");
      }
      c.windowLow = w[0].get<double>();
      c.windowHigh = w[1].get<double>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("is malformed: ") + e.what());
  }
  if (c.name.empty() || c.name.find_first_of("=/ ") != std::string::npos) {
    throw bad("needs a 'name' without '=', '/' or spaces (e.g. \"PET\")");
  }
  if (!(c.percentile > 50 && c.percentile <= 100) || !(c.clipHigh > 0) ||
      !(c.minimumCoverage > 0 && c.minimumCoverage <= 1)) {
    throw bad(c.name +
              ": needs percentile in (50, 100], clip_high > 0 and minimum_coverage in "
              "(0, 1]");
  }
  return c;
}

std::vector<AuxiliaryChannel> AuxiliaryChannel::listFromJson(const nlohmann::json& j,
                                                             const std::string& context) {
  std::vector<AuxiliaryChannel> out;
  if (j.is_null()) return out;
  if (!j.is_array()) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": 'auxiliary' must be a list");
  }
  std::set<std::string> names;
  for (const auto& e : j) {
    out.push_back(fromJson(e, context));
    if (!names.insert(out.back().name).second) {
      throw Error(ErrorCode::InvalidConfiguration,
                  context + ": auxiliary channel " + out.back().name + " is listed twice");
    }
  }
  return out;
}

nlohmann::json AuxiliaryChannel::listToJson(const std::vector<AuxiliaryChannel>& channels) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : channels) a.push_back(c.toJson());
  return a;
}

void AuxiliaryChannel::learnIntensities(std::vector<AuxiliaryChannel>& channels,
                                        const std::vector<std::vector<const Image*>>& perCase) {
  for (std::size_t k = 0; k < channels.size(); ++k) {
    std::vector<const Image*> images;
    for (const auto& c : perCase) images.push_back(c.at(k));
    channels[k].intensity = IntensitySignature::learn(images);
  }
}

Image AuxiliaryChannel::onto(const Image& image, const Image& working, bool checkIntensity) const {
  if (image.components() != 1 || image.size().t != 1 || image.spatialDimension() != 3) {
    throw Error(ErrorCode::InvalidArgument,
                name + ": needs a single-frame grey-level 3D image, like the main image");
  }
  if (!modality.empty() && !image.modality().empty() && image.modality() != modality) {
    throw Error(ErrorCode::WrongModality,
                name + ": expects a " + modality + " image, got " + image.modality());
  }
  if (const auto why = checkIntensity ? intensity.check(image) : std::nullopt) {
    throw Error(ErrorCode::WrongModality,
                name + ": " + *why + " It is expected to be " +
                    (modality.empty() ? std::string("like the training images of this channel")
                                      : "a " + modality + " image") +
                    " (override with --no-intensity-check only if you are sure, e.g. a PET in "
                    "other units).");
  }
  // One resample gives both the values and the coverage: working voxels outside `image` read
  // NaN (ITK's inside test is the same for every interpolator), and are set to 0 below.
  Image out = GridResampler::onto(image, working, Interpolation::Linear,
                                  std::numeric_limits<double>::quiet_NaN());
  auto px = out.pixels<float>();
  std::vector<float> covered;
  covered.reserve(px.size());
  std::vector<bool> inside(px.size(), false);
  for (std::size_t i = 0; i < px.size(); ++i) {
    if (std::isnan(px[i])) {
      px[i] = 0.0f;
    } else {
      covered.push_back(px[i]);
      inside[i] = true;
    }
  }
  const double coverage = px.empty() ? 0.0 : static_cast<double>(covered.size()) / px.size();
  if (coverage < minimumCoverage) {
    throw Error(ErrorCode::GeometryMismatch,
                name + ": covers " + std::to_string(std::lround(100 * coverage)) +
                    "% of the region being segmented (the main image, or its --roi box; at least " +
                    std::to_string(std::lround(100 * minimumCoverage)) +
                    "% needed). It must be in the same patient coordinates as the main image; "
                    "co-register it first: medsight register MAIN " +
                    name +
                    ", or, for an image that came with a CT (PET/CT), register that CT "
                    "(medsight register MAIN CT) and carry this image with medsight fuse MAIN " +
                    name + " --transform registered.tfm --out-image " + name +
                    "_on_main.nii.gz, which is more accurate for PET");
  }
  out.setModality(image.modality());
  out.metadata().clear();
  if (usesWindow()) {
    // Calibrated units (HU): a fixed window keeps tissue classes where they are for every
    // patient, which a per-image percentile of a CT (dominated by bone) would not.
    const double width = windowHigh - windowLow;
    for (std::size_t i = 0; i < px.size(); ++i) {
      // Voxels outside the image stay 0, like the percentile-scaled channels.
      if (inside[i]) px[i] = static_cast<float>(std::clamp((px[i] - windowLow) / width, 0.0, 1.0));
    }
    return out;
  }
  const double scale = IntensityStatistics(std::move(covered)).percentile(percentile);
  if (!(scale > 0) || !std::isfinite(scale)) {
    throw Error(ErrorCode::EmptyInput, name + ": the image is blank (its " +
                                           std::to_string(percentile) +
                                           "th percentile is not positive) where it overlaps "
                                           "the main image");
  }
  for (float& v : px) {
    v = static_cast<float>(std::clamp(static_cast<double>(v) / scale, 0.0, clipHigh));
  }
  return out;
}

void AuxiliaryChannel::checkSamePatient(const Image& main, const Image& image) const {
  auto tag = [](const Image& i, const char* keyword) {
    const auto it = i.metadata().find(keyword);
    return it == i.metadata().end() ? std::string() : it->second;
  };
  // The identifiers themselves stay out of the message: errors reach logs and HTTP bodies.
  const std::string mainPatient = tag(main, "PatientID"), auxPatient = tag(image, "PatientID");
  if (!mainPatient.empty() && !auxPatient.empty() && mainPatient != auxPatient) {
    throw Error(ErrorCode::InvalidArgument,
                name +
                    ": its DICOM PatientID differs from the main image's; an auxiliary image "
                    "must be of the same patient");
  }
  const std::string mainFrame = tag(main, "FrameOfReferenceUID"),
                    auxFrame = tag(image, "FrameOfReferenceUID");
  if (!mainFrame.empty() && !auxFrame.empty() && mainFrame != auxFrame) {
    spdlog::warn(
        "{}: its DICOM frame of reference differs from the main image's (PS3.3 C.7.4.1); it is "
        "mapped by patient position, which is right only if it was registered to the main image "
        "(medsight register)",
        name);
  }
}

}  // namespace medsight

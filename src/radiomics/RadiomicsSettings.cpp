#include "radiomics/RadiomicsSettings.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/Error.h"
#include "core/JsonText.h"

namespace medsight {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& source, const std::string& problem) {
  throw Error(ErrorCode::InvalidConfiguration, source + ": " + problem);
}

void rejectUnknownKeys(const json& object, const std::set<std::string>& known,
                       const std::string& source, const std::string& where) {
  if (!object.is_object()) invalid(source, where + " must be a JSON object");
  for (const auto& [key, value] : object.items()) {
    if (!known.count(key)) invalid(source, "unknown key '" + key + "' in " + where);
  }
}

double number(const json& value, const std::string& source, const std::string& key) {
  if (!value.is_number()) invalid(source, "'" + key + "' must be a number");
  return value.get<double>();
}

DiscretisationMethod methodFromName(const std::string& name, const std::string& source) {
  if (name == "none") return DiscretisationMethod::None;
  if (name == "fixed_bin_size" || name == "fbs") return DiscretisationMethod::FixedBinSize;
  if (name == "fixed_bin_number" || name == "fbn") return DiscretisationMethod::FixedBinNumber;
  invalid(source,
          "unknown discretisation method '" + name + "' (none, fixed_bin_size, fixed_bin_number)");
}

std::string methodName(DiscretisationMethod m) {
  switch (m) {
    case DiscretisationMethod::None:
      return "none";
    case DiscretisationMethod::FixedBinSize:
      return "fixed_bin_size";
    case DiscretisationMethod::FixedBinNumber:
      return "fixed_bin_number";
  }
  return "none";
}

DiscretisationSettings parseDiscretisation(const json& j, const std::string& source,
                                           const std::string& where,
                                           DiscretisationSettings settings, int maxBinCount) {
  rejectUnknownKeys(j, {"method", "bin_width", "bin_count"}, source, where);
  if (j.contains("method")) {
    if (!j["method"].is_string()) invalid(source, where + ".method must be a string");
    settings.method = methodFromName(j["method"].get<std::string>(), source);
  }
  if (j.contains("bin_width")) settings.binWidth = number(j["bin_width"], source, "bin_width");
  if (j.contains("bin_count")) {
    const double n = number(j["bin_count"], source, "bin_count");
    if (!(n >= 1 && n <= maxBinCount) || n != static_cast<int>(n)) {
      invalid(source, where + ".bin_count must be an integer in 1.." + std::to_string(maxBinCount));
    }
    settings.binCount = static_cast<int>(n);
  }
  if (settings.method == DiscretisationMethod::FixedBinSize && !(settings.binWidth > 0)) {
    invalid(source, where + ".bin_width must be positive");
  }
  return settings;
}

json discretisationJson(const DiscretisationSettings& d) {
  json j{{"method", methodName(d.method)}};
  if (d.method == DiscretisationMethod::FixedBinSize) j["bin_width"] = d.binWidth;
  if (d.method == DiscretisationMethod::FixedBinNumber) j["bin_count"] = d.binCount;
  return j;
}

}  // namespace

const std::set<std::string>& RadiomicsSettings::allFamilies() {
  static const std::set<std::string> families{"morphology",
                                              "local_intensity",
                                              "intensity_statistics",
                                              "intensity_histogram",
                                              "intensity_volume_histogram",
                                              "glcm",
                                              "glrlm",
                                              "glszm",
                                              "gldzm",
                                              "ngtdm",
                                              "ngldm"};
  return families;
}

RadiomicsSettings RadiomicsSettings::fromJson(const std::string& text, const std::string& source) {
  const json j = JsonText::parse(text, source);
  rejectUnknownKeys(j,
                    {"name", "interpolation", "resegmentation", "discretisation",
                     "ivh_discretisation", "aggregation", "families", "ngldm_alpha", "mask_label"},
                    source, "the configuration");
  RadiomicsSettings s;
  s.label = source;
  if (j.contains("name")) s.label = j["name"].get<std::string>();
  if (j.contains("interpolation")) {
    const json& in = j["interpolation"];
    rejectUnknownKeys(
        in, {"spacing_mm", "in_plane_only", "image", "mask_threshold", "round_intensities"}, source,
        "interpolation");
    if (!in.contains("spacing_mm") || !in["spacing_mm"].is_array() ||
        in["spacing_mm"].size() != 3) {
      invalid(source, "interpolation.spacing_mm must be an array of 3 numbers (x, y, z in mm)");
    }
    s.interpolate = true;
    s.inPlaneOnly = in.value("in_plane_only", false);
    for (int a = 0; a < 3; ++a) {
      s.spacing[a] = number(in["spacing_mm"][a], source, "spacing_mm");
      // With in-plane (2D) interpolation the z spacing is kept, so its value is ignored.
      if (a == 2 && s.inPlaneOnly) continue;
      if (!(s.spacing[a] > 0 && s.spacing[a] < 1000)) {
        invalid(source, "interpolation.spacing_mm values must be in (0, 1000) mm");
      }
    }
    const std::string interp = in.value("image", std::string("linear"));
    if (interp == "linear") {
      s.imageInterpolator = ImageInterpolator::Linear;
    } else if (interp == "cubic_spline") {
      s.imageInterpolator = ImageInterpolator::CubicBSpline;
    } else if (interp == "nearest") {
      s.imageInterpolator = ImageInterpolator::Nearest;
    } else {
      invalid(source, "interpolation.image must be linear, cubic_spline or nearest");
    }
    if (in.contains("mask_threshold")) {
      s.maskThreshold = number(in["mask_threshold"], source, "mask_threshold");
      if (!(s.maskThreshold > 0 && s.maskThreshold <= 1)) {
        invalid(source, "interpolation.mask_threshold must be in (0, 1]");
      }
    }
    s.roundIntensities = in.value("round_intensities", false);
  }
  if (j.contains("resegmentation")) {
    const json& r = j["resegmentation"];
    rejectUnknownKeys(r, {"range", "outlier_sigma"}, source, "resegmentation");
    if (r.contains("range")) {
      if (!r["range"].is_array() || r["range"].size() != 2) {
        invalid(source, "resegmentation.range must be [lower, upper] (null for open)");
      }
      if (!r["range"][0].is_null()) s.rangeLower = number(r["range"][0], source, "range");
      if (!r["range"][1].is_null()) s.rangeUpper = number(r["range"][1], source, "range");
      if (s.rangeLower && s.rangeUpper && *s.rangeLower > *s.rangeUpper) {
        invalid(source, "resegmentation.range lower bound exceeds upper bound");
      }
    }
    if (r.contains("outlier_sigma") && !r["outlier_sigma"].is_null()) {
      s.outlierSigma = number(r["outlier_sigma"], source, "outlier_sigma");
      if (!(*s.outlierSigma > 0)) invalid(source, "resegmentation.outlier_sigma must be > 0");
    }
  }
  if (j.contains("discretisation")) {
    s.texture = parseDiscretisation(j["discretisation"], source, "discretisation", s.texture,
                                    RadiomicsSettings::kMaxTextureLevels);
  }
  if (j.contains("ivh_discretisation")) {
    s.ivh =
        parseDiscretisation(j["ivh_discretisation"], source, "ivh_discretisation", s.ivh, 100000);
  }
  if (j.contains("aggregation")) {
    if (!j["aggregation"].is_array()) invalid(source, "aggregation must be an array");
    s.compute2D = s.compute25D = s.compute3D = false;
    for (const auto& a : j["aggregation"]) {
      const std::string v = a.is_string() ? a.get<std::string>() : "";
      if (v == "2D") {
        s.compute2D = true;
      } else if (v == "2.5D") {
        s.compute25D = true;
      } else if (v == "3D") {
        s.compute3D = true;
      } else {
        invalid(source, "aggregation entries must be \"2D\", \"2.5D\" or \"3D\"");
      }
    }
  }
  if (j.contains("families")) {
    if (!j["families"].is_array()) invalid(source, "families must be an array");
    for (const auto& f : j["families"]) {
      const std::string name = f.is_string() ? f.get<std::string>() : "";
      if (!allFamilies().count(name)) invalid(source, "unknown feature family '" + name + "'");
      s.families.insert(name);
    }
  }
  if (j.contains("ngldm_alpha")) {
    s.ngldmAlpha = number(j["ngldm_alpha"], source, "ngldm_alpha");
    // IBSI 3.11: alpha is the grey-level difference within which neighbours count as
    // dependent; below 0 no neighbour ever does and every feature degenerates.
    if (!(s.ngldmAlpha >= 0 && s.ngldmAlpha <= 1e6)) {
      invalid(source, "ngldm_alpha must be a grey-level difference of 0 or more (IBSI uses 0)");
    }
  }
  if (j.contains("mask_label") && !j["mask_label"].is_null()) {
    s.maskLabel = number(j["mask_label"], source, "mask_label");
  }
  return s;
}

RadiomicsSettings RadiomicsSettings::fromFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": configuration not found");
  std::ostringstream text;
  text << in.rdbuf();
  return fromJson(text.str(), path.string());
}

RadiomicsSettings RadiomicsSettings::ibsiConfiguration(char configuration) {
  // IBSI reference manual, chapter 5 (CT phantom configurations); restated in
  // ../shared/datasets/ibsi/CONFIGS.md.
  RadiomicsSettings s;
  s.label = std::string("IBSI-1 CT phantom configuration ") + configuration;
  switch (configuration) {
    case 'A':
      s.rangeLower = -500;
      s.rangeUpper = 400;
      s.texture = {DiscretisationMethod::FixedBinSize, 25.0, 0};
      s.ivh = {DiscretisationMethod::None, 1.0, 0};
      s.compute2D = s.compute25D = true;
      s.compute3D = false;
      break;
    case 'B':
      s.interpolate = true;
      s.inPlaneOnly = true;
      s.spacing = {2.0, 2.0, 0.0};
      s.imageInterpolator = ImageInterpolator::Linear;
      s.roundIntensities = true;
      s.rangeLower = -500;
      s.rangeUpper = 400;
      s.texture = {DiscretisationMethod::FixedBinNumber, 0.0, 32};
      s.ivh = {DiscretisationMethod::None, 1.0, 0};
      s.compute2D = s.compute25D = true;
      s.compute3D = false;
      break;
    case 'C':
    case 'D':
    case 'E':
      s.interpolate = true;
      s.spacing = {2.0, 2.0, 2.0};
      s.imageInterpolator =
          configuration == 'E' ? ImageInterpolator::CubicBSpline : ImageInterpolator::Linear;
      s.roundIntensities = true;
      if (configuration != 'D') {
        s.rangeLower = -1000;
        s.rangeUpper = 400;
      }
      if (configuration != 'C') s.outlierSigma = 3.0;
      s.texture = configuration == 'C'
                      ? DiscretisationSettings{DiscretisationMethod::FixedBinSize, 25.0, 0}
                      : DiscretisationSettings{DiscretisationMethod::FixedBinNumber, 0.0, 32};
      if (configuration == 'C') {
        s.ivh = {DiscretisationMethod::FixedBinSize, 2.5, 0};
      } else if (configuration == 'D') {
        s.ivh = {DiscretisationMethod::None, 1.0, 0};
      } else {
        s.ivh = {DiscretisationMethod::FixedBinNumber, 0.0, 1000};
      }
      s.compute2D = s.compute25D = false;
      s.compute3D = true;
      break;
    default:
      throw Error(ErrorCode::InvalidArgument, std::string("IBSI configuration '") + configuration +
                                                  "' unknown (A, B, C, D or E)");
  }
  return s;
}

RadiomicsSettings RadiomicsSettings::digitalPhantom() {
  RadiomicsSettings s;
  s.label = "IBSI-1 digital phantom";
  s.texture = {DiscretisationMethod::None, 1.0, 0};
  s.ivh = {DiscretisationMethod::None, 1.0, 0};
  s.compute2D = s.compute25D = s.compute3D = true;
  return s;
}

std::string RadiomicsSettings::toJson() const {
  json j{{"name", label}};
  if (interpolate) {
    const char* names[] = {"nearest", "linear", "cubic_spline"};
    j["interpolation"] = {{"spacing_mm", spacing},
                          {"in_plane_only", inPlaneOnly},
                          {"image", names[static_cast<int>(imageInterpolator)]},
                          {"mask_threshold", maskThreshold},
                          {"round_intensities", roundIntensities}};
  }
  json reseg = json::object();
  if (rangeLower || rangeUpper) {
    reseg["range"] = {rangeLower ? json(*rangeLower) : json(nullptr),
                      rangeUpper ? json(*rangeUpper) : json(nullptr)};
  }
  if (outlierSigma) reseg["outlier_sigma"] = *outlierSigma;
  if (!reseg.empty()) j["resegmentation"] = reseg;
  j["discretisation"] = discretisationJson(texture);
  j["ivh_discretisation"] = discretisationJson(ivh);
  json aggregation = json::array();
  if (compute2D) aggregation.push_back("2D");
  if (compute25D) aggregation.push_back("2.5D");
  if (compute3D) aggregation.push_back("3D");
  j["aggregation"] = aggregation;
  if (!families.empty()) j["families"] = families;
  j["ngldm_alpha"] = ngldmAlpha;
  if (maskLabel) j["mask_label"] = *maskLabel;
  return j.dump(2);
}

}  // namespace medsight

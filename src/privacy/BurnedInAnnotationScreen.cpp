#include "privacy/BurnedInAnnotationScreen.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace medsight {
namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const auto last = text.find_last_not_of(' ');
  return last == std::string::npos ? std::string() : text.substr(0, last + 1);
}

bool containsFolded(const std::string& haystack, const std::string& needle) {
  return needle.empty() || upper(haystack).find(upper(needle)) != std::string::npos;
}

// Modalities that are video or photographs of a screen/scene and routinely carry burned-in
// patient data (ultrasound, endoscopy, external camera, ophthalmic photos, video microscopy).
constexpr const char* kRiskyModalities[] = {"US", "IVUS", "ES", "XC", "OP", "GM", "SM", "DOC"};
// Secondary Capture Image Storage and the multi-frame secondary capture classes (PS3.4 B.5).
constexpr const char* kSecondaryCapturePrefix = "1.2.840.10008.5.1.4.1.1.7";

}  // namespace

BurnedInAnnotationScreen BurnedInAnnotationScreen::loadRules(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": pixel-cleaning rules not found");
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::BadJson, path.string() + ": " + e.what());
  }
  BurnedInAnnotationScreen screen;
  try {
    for (const auto& r : doc.at("rules")) {
      PixelCleaningRule rule;
      rule.manufacturer = r.value("manufacturer", "");
      rule.model = r.value("model", "");
      rule.rows = r.value("rows", 0u);
      rule.columns = r.value("columns", 0u);
      for (const auto& rect : r.at("rectangles")) {
        const auto v = rect.get<std::vector<unsigned>>();
        if (v.size() != 4 || v[2] == 0 || v[3] == 0) {
          throw Error(ErrorCode::InvalidConfiguration,
                      path.string() +
                          ": each rectangle is [x, y, width, height] with width and "
                          "height > 0");
        }
        rule.rectangles.push_back({v[0], v[1], v[2], v[3]});
      }
      if (rule.manufacturer.empty() && rule.model.empty()) {
        throw Error(ErrorCode::InvalidConfiguration,
                    path.string() + ": a rule must name a manufacturer or a model");
      }
      screen.addRule(std::move(rule));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfiguration, path.string() + ": " + e.what());
  }
  return screen;
}

BurnedInDecision BurnedInAnnotationScreen::screen(const BurnedInFacts& facts) const {
  BurnedInDecision decision;
  if (!facts.hasPixelData) return decision;
  const std::string burned = upper(facts.burnedInAnnotation);
  const std::string modality = upper(facts.modality);
  if (burned == "YES") {
    decision.reason = "Burned In Annotation (0028,0301) is YES";
  } else if (std::find(std::begin(kRiskyModalities), std::end(kRiskyModalities), modality) !=
             std::end(kRiskyModalities)) {
    decision.reason = "modality " + modality + " routinely carries burned-in text";
  } else if (facts.sopClassUid.rfind(kSecondaryCapturePrefix, 0) == 0 &&
             (facts.sopClassUid.size() == std::string(kSecondaryCapturePrefix).size() ||
              facts.sopClassUid[std::string(kSecondaryCapturePrefix).size()] == '.')) {
    decision.reason = "secondary capture (SOP Class " + facts.sopClassUid + ") may show text";
  } else if (upper(facts.imageType).find("SCREEN") != std::string::npos) {
    decision.reason = "Image Type " + facts.imageType + " indicates a screen capture";
  } else {
    return decision;
  }
  decision.suspect = true;
  for (const auto& rule : rules_) {
    if (containsFolded(facts.manufacturer, rule.manufacturer) &&
        containsFolded(facts.model, rule.model) && (rule.rows == 0 || rule.rows == facts.rows) &&
        (rule.columns == 0 || rule.columns == facts.columns)) {
      decision.rule = &rule;
      break;
    }
  }
  return decision;
}

}  // namespace medsight

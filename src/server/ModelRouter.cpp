#include "server/ModelRouter.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/JsonText.h"

namespace medsight {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const auto& v) { return upper(v) == upper(value); });
}

}  // namespace

ModelRouter ModelRouter::builtIn() {
  ModelRouter r;
  RoutingRule chest;
  chest.modalities = {"CR", "DX"};
  chest.bodyParts = {"CHEST", "LUNG", "THORAX"};
  chest.model = "pneumonia-cxr";
  chest.conceptId = "pneumonia";
  chest.bodyPartName = "chest";
  chest.maxImages = 4;
  RoutingRule brain;
  brain.modalities = {"MR"};
  brain.bodyParts = {"HEAD", "BRAIN", "SKULL"};
  brain.model = "brain-mri-tumour";
  brain.conceptId = "tumour";
  brain.bodyPartName = "head";
  r.rules_ = {chest, brain};
  return r;
}

ModelRouter ModelRouter::fromJson(const nlohmann::json& j, const std::string& source) {
  ModelRouter r;
  try {
    for (const auto& item : j.at("rules")) {
      RoutingRule rule;
      rule.modalities = item.at("modalities").get<std::vector<std::string>>();
      rule.bodyParts = item.at("body_parts").get<std::vector<std::string>>();
      if (item.contains("photometric"))
        rule.photometric = item["photometric"].get<std::vector<std::string>>();
      rule.model = item.at("model").get<std::string>();
      rule.conceptId = item.at("concept").get<std::string>();
      rule.bodyPartName = item.value("body_part_name", std::string("body"));
      rule.minSize = item.value("min_size", rule.minSize);
      rule.maxSize = item.value("max_size", rule.maxSize);
      rule.maxImages = item.value("max_images", rule.maxImages);
      r.rules_.push_back(std::move(rule));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfiguration, source + ": " + e.what());
  }
  return r;
}

ModelRouter ModelRouter::fromFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": routing table not found");
  return fromJson(JsonText::parse(in, path.string()), path.string());
}

RouteDecision ModelRouter::route(const std::string& modality, const std::string& bodyPart,
                                 const std::string& photometric) const {
  bool modalityKnown = false;
  for (const auto& rule : rules_) {
    if (!contains(rule.modalities, modality)) continue;
    modalityKnown = true;
    if (!contains(rule.bodyParts, bodyPart)) continue;
    if (!contains(rule.photometric, photometric)) {
      return {nullptr,
              "model " + rule.model + " reads greyscale images; this series is " +
                  (photometric.empty() ? std::string("of unknown photometric interpretation")
                                       : photometric)};
    }
    return {&rule, ""};
  }
  if (modalityKnown) {
    return {nullptr, "no model for " + modality + " of body part '" +
                         (bodyPart.empty() ? std::string("(not stated in 0018,0015)") : bodyPart) +
                         "'"};
  }
  return {nullptr,
          "no model for modality '" + (modality.empty() ? std::string("(none)") : modality) + "'"};
}

}  // namespace medsight

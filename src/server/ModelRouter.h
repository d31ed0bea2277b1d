#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace medsight {

/// \brief One routing rule: which series go to which shipped model, and the input quality
/// gate that series must pass before the model sees them.
struct RoutingRule {
  std::vector<std::string> modalities;  ///< e.g. CR, DX
  std::vector<std::string> bodyParts;   ///< Body Part Examined defined terms (PS3.16 Annex L)
  std::vector<std::string> photometric{"MONOCHROME1", "MONOCHROME2"};
  std::string model;         ///< package folder under the models folder
  std::string conceptId;     ///< finding concept (pneumonia, tumour)
  std::string bodyPartName;  ///< plain name for summaries ("chest", "head")
  int minSize = 16;          ///< smallest rows/columns accepted
  int maxSize = 8192;        ///< largest rows/columns accepted
  int maxImages = 400;       ///< most images in one series
};

/// \brief Outcome of routing one series.
struct RouteDecision {
  const RoutingRule* rule = nullptr;  ///< null when no model applies
  std::string reason;                 ///< why not, when rule is null
};

/// \brief Routes complete series to models by modality, body part and photometric
/// interpretation. The built-in table sends chest radiographs (CR/DX, CHEST) to
/// `pneumonia-cxr` and brain MR (MR, HEAD/BRAIN) to `brain-mri-tumour`; a JSON file can replace it.
class ModelRouter {
 public:
  /// \brief The built-in table.
  static ModelRouter builtIn();
  /// \brief A table from JSON ({"rules": [{"modalities": [...], "body_parts": [...],
  /// "model": ..., "concept": ..., "body_part_name": ..., "min_size": ..}]}); throws
  /// InvalidConfiguration naming `source`.
  static ModelRouter fromJson(const nlohmann::json& json, const std::string& source);
  /// \brief Reads a table file.
  static ModelRouter fromFile(const std::filesystem::path& path);
  /// \brief The rule for a series, or the reason none applies (names modality and body part).
  RouteDecision route(const std::string& modality, const std::string& bodyPart,
                      const std::string& photometric) const;
  /// \brief The rules.
  const std::vector<RoutingRule>& rules() const { return rules_; }

 private:
  std::vector<RoutingRule> rules_;
};

}  // namespace medsight

#pragma once

#include <optional>
#include <string>
#include <vector>

namespace medsight {

/// \brief One computed radiomic feature with its IBSI identity (IBSI-1 reference manual,
/// Zwanenburg et al., Radiology 2020): family, feature name, IBSI code and aggregation method.
struct RadiomicFeature {
  std::string family;           ///< "morphology", "glcm", ... (see RadiomicFeatureSet::families)
  std::string name;             ///< IBSI feature name, e.g. "Joint maximum"
  std::string ibsiCode;         ///< four-character IBSI identifier, e.g. "GYBY"
  std::string aggregation;      ///< e.g. "3D", "2D, averaged", "2.5D, merged"
  std::string aggregationCode;  ///< IBSI identifier of the aggregation method, e.g. "ITBB"
  double value = 0.0;           ///< NaN when the feature is undefined for this ROI
};

/// \brief The ordered list of features computed for one image and mask, with CSV and JSON
/// serialisation (long format: one feature per row) and wide-table column names.
class RadiomicFeatureSet {
 public:
  /// \brief Appends a feature.
  void add(RadiomicFeature feature) { features_.push_back(std::move(feature)); }
  /// \brief Appends every feature of another set.
  void append(const RadiomicFeatureSet& other);
  /// \brief All features in computation order.
  const std::vector<RadiomicFeature>& features() const { return features_; }
  /// \brief Number of features.
  std::size_t size() const { return features_.size(); }
  /// \brief The feature with that family, name (case-insensitive) and aggregation, if any.
  std::optional<RadiomicFeature> find(const std::string& family, const std::string& name,
                                      const std::string& aggregation) const;

  /// \brief CSV with header family,feature,ibsi_code,aggregation,aggregation_code,value.
  std::string toCsv() const;
  /// \brief JSON array of objects with the same fields (NaN becomes null).
  std::string toJson(int indent = 2) const;
  /// \brief Column name for wide tables: "family.feature_name.aggregation" in snake case.
  static std::string columnName(const RadiomicFeature& feature);

 private:
  std::vector<RadiomicFeature> features_;
};

}  // namespace medsight

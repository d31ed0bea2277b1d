#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "radiomics/RadiomicFeatureSet.h"

namespace medsight {

/// \brief One row of an IBSI reference-value table (columns feature, ibsi_code, data,
/// aggregation, value, tolerance, consensus).
struct IbsiReferenceValue {
  int line = 0;             ///< 1-based line in the file
  std::string feature;      ///< IBSI feature name as written in the table
  std::string code;         ///< IBSI code (may be empty)
  std::string aggregation;  ///< e.g. "2D, averaged"; empty for non-texture families
  std::string valueText;    ///< the value as written (its digits define the default tolerance)
  double value = 0;
  double tolerance = 0;  ///< allowed absolute deviation
  bool toleranceGiven = false;
  std::string consensus;
};

/// \brief Outcome of comparing one reference row with computed features.
struct IbsiComparison {
  IbsiReferenceValue reference;
  std::optional<RadiomicFeature> computed;  ///< empty when no feature matched the row
  bool withinTolerance = false;
};

/// \brief The IBSI-1 reference values (e.g. `reference_values_digital_phantom.csv`) and their
/// comparison with computed features. A row without tolerance is "exact to the given digits":
/// the IBSI publishes three significant digits, so the computed value must round to the
/// reference at three significant digits (or at the digits written, if more).
class IbsiReferenceTable {
 public:
  /// \brief Reads the CSV; throws FileNotFound or CorruptData naming the line.
  static IbsiReferenceTable read(const std::filesystem::path& path);
  /// \brief All rows.
  const std::vector<IbsiReferenceValue>& values() const { return values_; }
  /// \brief Compares every row. Rows are matched by family (found through the row's IBSI code
  /// among the computed features), feature name and aggregation; rows without a code match by
  /// name and aggregation alone.
  std::vector<IbsiComparison> compare(const RadiomicFeatureSet& features) const;
  /// \brief Half a unit of the last significant digit of `text`, counting at least three
  /// significant digits.
  static double roundingTolerance(const std::string& text);

 private:
  std::vector<IbsiReferenceValue> values_;
};

}  // namespace medsight

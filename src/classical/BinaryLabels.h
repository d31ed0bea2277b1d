#pragma once

#include <string>
#include <vector>

#include "classical/FeatureTableReader.h"

namespace medsight {

/// \brief Two-class labels as 0/1 with the names of both classes. Numeric labels are compared
/// by value ("1.0e+00" is class "1"); text labels (e.g. WDBC's M/B) need the positive class
/// named unless they are 0/1.
struct BinaryLabels {
  std::vector<int> y;
  std::string negative;
  std::string positive;

  /// \brief Maps raw labels to 0/1. `positive` names the positive class ("" = "1" when the
  /// labels are 0 and 1). Throws LabelMismatch for a single class, more than two classes, an
  /// empty label, or an unnamed positive class among non-0/1 labels.
  static BinaryLabels fromRaw(const RawLabels& raw, const std::string& positive);
  /// \brief Maps raw labels onto a trained model's classes; another value is a LabelMismatch.
  static BinaryLabels withClasses(const RawLabels& raw, const std::string& negative,
                                  const std::string& positive);
  /// \brief Number of positives.
  std::size_t positives() const;
};

}  // namespace medsight

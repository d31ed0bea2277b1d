#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/BinaryEvaluation.h"
#include "report/ModelValidation.h"
#include "report/ValidationDataset.h"

namespace medsight {

/// \brief A validation of one model, or a comparison of two, on one labelled data set: the
/// content of `medsight validate`'s HTML, PDF and JSON outputs.
struct ValidationReport {
  nlohmann::json dataset;  ///< ValidationDataset::toJson()
  DataRole role = DataRole::Unknown;
  std::string roleTitle, roleNote;
  std::size_t samples = 0, positives = 0;
  std::vector<std::string> labels;  ///< the model's label names
  std::vector<ModelValidation> models;
  /// \brief Paired AUC comparison (model 2 minus model 1) when two models were validated.
  std::optional<PairedAucComparison> comparison;
  std::string commandLine;
  std::string createdUtc;
  BootstrapOptions bootstrap;

  /// \brief Starts a report for `data` (figures are added per model).
  static ValidationReport forDataset(const ValidationDataset& data,
                                     const std::vector<std::string>& labels);
  /// \brief Everything as JSON (report.json).
  nlohmann::json toJson() const;
  /// \brief The self-contained HTML page (plotting libraries, charts and images inline).
  std::string html() const;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "server/DicomObject.h"
#include "server/ModelCatalog.h"
#include "server/ModelRouter.h"
#include "store/InstanceFileStore.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief Result of analysing one series.
struct AnalysisOutcome {
  std::string state = "not_analysed";  ///< "analysed" or "not_analysed"
  std::string reason;                  ///< why not analysed (shown in the worklist)
  std::vector<FindingRecord> findings;
  /// \brief Objects to store in the study: heatmap images (derived, Secondary Capture).
  std::vector<DicomObject> outputs;
  /// \brief Summaries of the instances the model read (SR evidence).
  std::vector<DicomObjectSummary> evidence;
  /// \brief One instance of the study (patient/study attributes for the SR).
  std::string sourcePart10;
};

/// \brief Analyses one complete series: routes it to a model (ModelRouter), applies the input
/// quality gate (photometric interpretation, single-frame 2D images, size range, constant
/// images, the model's accepted modalities), runs the model on every image, reports the image
/// with the highest probability as the series finding (with model name, version, weights hash),
/// and draws its Grad-CAM heatmap when available. A refused series gets a reason, never a guess.
class SeriesAnalyzer {
 public:
  /// \brief Uses the stores, the routing table and a per-thread model catalog; plaintext
  /// copies of instances go to `scratch` (removed after each series).
  SeriesAnalyzer(const InstanceFileStore& files, const ModelRouter& router, ModelCatalog& models,
                 std::filesystem::path scratch);
  /// \brief Analyses `series` with its `instances`. Throws only for faults (I/O, tampered
  /// model), which the job queue retries; input problems give a not_analysed outcome.
  AnalysisOutcome analyse(const SeriesRecord& series, const std::vector<InstanceRecord>& instances);

 private:
  const InstanceFileStore& files_;
  const ModelRouter& router_;
  ModelCatalog& models_;
  std::filesystem::path scratch_;
};

}  // namespace medsight

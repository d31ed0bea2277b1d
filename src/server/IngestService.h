#pragma once

#include <cstdint>
#include <string>

#include "server/DicomObject.h"
#include "server/ServerMetrics.h"
#include "store/InstanceFileStore.h"
#include "store/StudyStore.h"

namespace medsight {

/// \brief What happened to one incoming object.
struct IngestOutcome {
  bool stored = false;          ///< newly stored
  bool duplicate = false;       ///< SOP Instance UID already stored (acknowledged, first copy kept)
  bool contentDiffers = false;  ///< a duplicate UID with different bytes
  std::string sopInstanceUid;
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
};

/// \brief The one way objects enter MedSight (DICOM C-STORE, REST upload, MedSight's own
/// results): the encrypted file is written and fsynced, then the row is committed; only then
/// does the caller acknowledge. A crash in between leaves an unreferenced file that start-up
/// sweeps away, never a row without its file.
class IngestService {
 public:
  /// \brief Uses the stores (must outlive the service).
  IngestService(StudyStore& studies, InstanceFileStore& files, ServerMetrics& metrics,
                std::int64_t stableAfterMillis, std::int64_t maxAttempts);
  /// \brief Stores `object` from `source`; `derived` marks MedSight's own results (not queued
  /// for analysis).
  IngestOutcome ingest(const DicomObject& object, const std::string& source, bool derived = false);

 private:
  StudyStore& studies_;
  InstanceFileStore& files_;
  ServerMetrics& metrics_;
  std::int64_t stableAfterMillis_;
  std::int64_t maxAttempts_;
};

}  // namespace medsight

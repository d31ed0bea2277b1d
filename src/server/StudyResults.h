#pragma once

#include <vector>

#include "store/FindingStore.h"
#include "store/StoreRecords.h"
#include "store/StudyStore.h"

namespace medsight {

/// \brief Everything known about one study's analysis and review: the input of every report
/// format (SR, FHIR, doctor report, patient summary).
struct StudyResults {
  StudyRecord study;
  std::vector<SeriesRecord> series;
  std::vector<FindingRecord> findings;
  std::vector<ReviewRecord> reviews;
  std::vector<OutputRecord> outputs;

  /// \brief Loads a study by UID; throws NotFound.
  static StudyResults load(StudyStore& studies, FindingStore& findings,
                           const std::string& studyUid);
};

}  // namespace medsight

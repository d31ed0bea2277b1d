#pragma once

#include <nlohmann/json.hpp>

#include "privacy/AccessPolicy.h"
#include "privacy/KeyFile.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief JSON views of stored records for the REST API. Roles without
/// ViewIdentifiedStudy (researchers, administrators) get de-identified study views: no name,
/// birth date or accession number, a keyed pseudonym instead of the patient ID, the study date
/// reduced to its year (PS3.15 Basic Profile spirit; UIDs stay so the API can address studies).
class StudyViews {
 public:
  /// \brief A study as `role` may see it.
  static nlohmann::json study(const StudyRecord& s, Role role, const KeyFile* key);
  /// \brief A series.
  static nlohmann::json series(const SeriesRecord& s);
  /// \brief A finding (details parsed).
  static nlohmann::json finding(const FindingRecord& f);
  /// \brief A job.
  static nlohmann::json job(const JobRecord& j);
  /// \brief A review step.
  static nlohmann::json review(const ReviewRecord& r);
  /// \brief A result output.
  static nlohmann::json output(const OutputRecord& o);
};

}  // namespace medsight

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/DicomObject.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief What the SR says beyond the findings.
struct StructuredReportOptions {
  /// \brief Signed by this doctor (final, verified report); empty = preliminary AI result.
  std::string signedBy;
  /// \brief The doctor's free text (added as a qualitative evaluation in text form).
  std::string reportText;
  std::string seriesDescription = "MedSight AI results";
  int seriesNumber = 9100;
};

/// \brief Writes AI findings (and their review) as a DICOM Enhanced SR following TID 1500
/// "Measurement Report" (PS3.16), with DCMTK's template classes (dcmsr/cmr): device observer
/// (MedSight, model name/version), image library of the analysed instances, one TID 1501
/// measurement group per finding (tracking id, finding code, probability as a numeric
/// measurement, present/absent as qualitative evaluation, algorithm name/version/weights hash
/// per TID 4019 concept names), Current Requested Procedure Evidence. Patient and study come
/// from the source instance, so the SR lands in the same study.
class StructuredReportWriter {
 public:
  /// \brief The SR as a DICOM object. `source` is any instance of the study (its Part 10
  /// bytes); `evidence` the instances analysed. Throws Internal when DCMTK refuses the tree.
  static DicomObject write(const std::string& sourcePart10,
                           const std::vector<DicomObjectSummary>& evidence,
                           const std::vector<FindingRecord>& findings,
                           const StructuredReportOptions& options);
};

}  // namespace medsight

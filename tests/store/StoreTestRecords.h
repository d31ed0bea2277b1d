#pragma once

#include <string>

#include "store/StoreRecords.h"

namespace medsight::test {

/// \brief An incoming instance of study `study`, series `series`, SOP `sop` (no file needed
/// for database-only tests).
inline IncomingInstance incomingInstance(const std::string& study, const std::string& series,
                                         const std::string& sop, std::int64_t stableMillis = 0) {
  IncomingInstance in;
  in.study.studyUid = study;
  in.study.patientId = "P-" + study;
  in.study.patientName = "Doe^Jane";
  in.series.seriesUid = series;
  in.series.modality = "DX";
  in.series.bodyPart = "CHEST";
  in.instance.sopUid = sop;
  in.instance.sopClassUid = "1.2.840.10008.5.1.4.1.1.1.1";
  in.instance.fileName = "objects/" + sop;
  in.instance.fileSha256 = std::string(64, 'a');
  in.instance.fileBytes = 100;
  in.instance.source = "test";
  in.stableAfterMillis = stableMillis;
  return in;
}

}  // namespace medsight::test

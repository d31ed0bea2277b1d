#include "server/IngestService.h"

namespace medsight {

IngestService::IngestService(StudyStore& studies, InstanceFileStore& files, ServerMetrics& metrics,
                             std::int64_t stableAfterMillis, std::int64_t maxAttempts)
    : studies_(studies),
      files_(files),
      metrics_(metrics),
      stableAfterMillis_(stableAfterMillis),
      maxAttempts_(maxAttempts) {}

IngestOutcome IngestService::ingest(const DicomObject& object, const std::string& source,
                                    bool derived) {
  const auto& s = object.summary;
  // 1. The file, durably (temporary + fsync + rename + folder fsync).
  const StoredFile file = files_.store(object.part10);
  // 2. The row, committed (SQLite synchronous=FULL / PostgreSQL commit).
  IncomingInstance in;
  in.study.studyUid = s.studyInstanceUid;
  in.study.patientId = s.patientId;
  in.study.patientName = s.patientName;
  in.study.patientBirthDate = s.patientBirthDate;
  in.study.patientSex = s.patientSex;
  in.study.studyDate = s.studyDate;
  in.study.studyTime = s.studyTime;
  in.study.accessionNumber = s.accessionNumber;
  in.study.description = s.studyDescription;
  in.series.seriesUid = s.seriesInstanceUid;
  in.series.modality = s.modality;
  in.series.bodyPart = s.bodyPartExamined;
  in.series.description = s.seriesDescription;
  in.series.photometric = s.photometricInterpretation;
  in.series.seriesNumber = s.seriesNumber;
  in.series.origin = derived ? "derived" : "acquired";
  in.instance.sopUid = s.sopInstanceUid;
  in.instance.sopClassUid = s.sopClassUid;
  in.instance.instanceNumber = s.instanceNumber;
  in.instance.fileName = file.fileName;
  in.instance.fileSha256 = file.sha256;
  in.instance.fileBytes = file.bytes;
  in.instance.source = source;
  in.stableAfterMillis = stableAfterMillis_;
  in.maxAttempts = maxAttempts_;
  const InstanceInsert result = studies_.insertInstance(in);

  IngestOutcome out;
  out.sopInstanceUid = s.sopInstanceUid;
  out.studyInstanceUid = s.studyInstanceUid;
  out.seriesInstanceUid = s.seriesInstanceUid;
  out.stored = result.inserted;
  out.duplicate = !result.inserted;
  out.contentDiffers = !result.inserted && result.existingSha256 != file.sha256;
  (result.inserted ? metrics_.instancesStored : metrics_.instancesDuplicate)++;
  return out;
}

}  // namespace medsight

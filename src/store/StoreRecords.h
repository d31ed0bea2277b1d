#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace medsight {

/// \brief A stored study (DICOM PS3.3 C.7.2.1 General Study) with its triage state.
/// States: "new" (receiving or waiting for analysis), "analysed", "not_analysed" (the quality
/// gate or routing refused every series; reason in notAnalysedReason), "reviewed", "signed".
struct StudyRecord {
  std::int64_t id = 0;
  std::string studyUid;
  std::string patientId;
  std::string patientName;
  std::string patientBirthDate;
  std::string patientSex;
  std::string studyDate;
  std::string studyTime;
  std::string accessionNumber;
  std::string description;
  std::string state = "new";
  /// \brief 2 = AI finding above its threshold, 1 = needs a human (not analysed yet or refused
  /// by the quality gate), 0 = AI found nothing.
  std::int64_t urgencyTier = 1;
  /// \brief Highest probability of a finding at or above its threshold (0 if none).
  double urgency = 0.0;
  std::string urgencyReason;
  std::string notAnalysedReason;
  std::string reportText;
  std::string signedBy;
  std::int64_t signedAt = 0;
  std::int64_t receivedAt = 0;
  std::int64_t updatedAt = 0;
};

/// \brief A stored series. `origin` is "acquired" (from a modality or upload) or "derived"
/// (MedSight's SR and heatmaps). States: "receiving", "queued", "analysed", "not_analysed",
/// "failed", "derived".
struct SeriesRecord {
  std::int64_t id = 0;
  std::string seriesUid;
  std::int64_t studyId = 0;
  std::string modality;
  std::string bodyPart;
  std::string description;
  std::string photometric;
  std::int64_t seriesNumber = 0;
  std::string origin = "acquired";
  std::int64_t instanceCount = 0;
  std::string state = "receiving";
  std::string reason;
  std::int64_t lastInstanceAt = 0;
};

/// \brief A stored instance and its encrypted file.
struct InstanceRecord {
  std::int64_t id = 0;
  std::string sopUid;
  std::string sopClassUid;
  std::int64_t seriesId = 0;
  std::int64_t instanceNumber = 0;
  std::string fileName;
  std::string fileSha256;
  std::int64_t fileBytes = 0;
  /// \brief Where it came from: "dicom:<calling AE>@<ip>", "upload:<user>", "medsight".
  std::string source;
  std::int64_t receivedAt = 0;
};

/// \brief What the ingest path hands the store for one instance (file already on disk).
struct IncomingInstance {
  StudyRecord study;
  SeriesRecord series;
  InstanceRecord instance;
  /// \brief Delay before a series counts as complete (no new instance for this long).
  std::int64_t stableAfterMillis = 3000;
  /// \brief Attempts a job gets before it is marked failed.
  std::int64_t maxAttempts = 3;
};

/// \brief Outcome of storing one instance.
struct InstanceInsert {
  bool inserted = false;  ///< false: the SOP Instance UID was already stored (idempotent)
  std::int64_t studyId = 0;
  std::int64_t seriesId = 0;
  std::int64_t instanceId = 0;
  std::string existingSha256;  ///< for duplicates: the stored file's hash
};

/// \brief One analysis job: the queue row of an acquired series. States: "pending",
/// "running", "done", "not_analysed", "failed".
struct JobRecord {
  std::int64_t id = 0;
  std::int64_t seriesId = 0;
  std::string state;
  std::int64_t attempts = 0;
  std::int64_t maxAttempts = 3;
  std::int64_t runAfter = 0;
  std::string leaseOwner;
  std::int64_t leaseUntil = 0;
  std::string lastError;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
};

/// \brief One AI finding and its review. Status: "proposed" (AI only), "accepted",
/// "rejected", "edited" (the doctor changed present/absent).
struct FindingRecord {
  std::int64_t id = 0;
  std::int64_t studyId = 0;
  std::int64_t seriesId = 0;
  std::string conceptId;
  std::string label;
  double probability = 0.0;
  double threshold = 0.5;
  bool positive = false;
  std::string modelName;
  std::string modelVersion;
  std::string weightsSha256;
  std::string instanceUid;
  std::string heatmapSeriesUid;
  std::string details = "{}";
  std::string status = "proposed";
  std::optional<bool> doctorPresent;
  std::string doctorComment;
  std::string reviewedBy;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
};

/// \brief One doctor action on a study or finding.
struct ReviewRecord {
  std::int64_t id = 0;
  std::int64_t studyId = 0;
  std::optional<std::int64_t> findingId;
  std::string username;
  std::string action;
  std::string comment;
  std::int64_t createdAt = 0;
};

/// \brief A user account (password stored as an Argon2id hash string).
struct UserRecord {
  std::int64_t id = 0;
  std::string username;
  std::string passwordHash;
  std::string role;
  std::string displayName;
  bool disabled = false;
  std::int64_t createdAt = 0;
};

/// \brief A result object MedSight wrote into a study (DICOM SR, heatmap series).
struct OutputRecord {
  std::int64_t id = 0;
  std::int64_t studyId = 0;
  std::string kind;
  std::string sopUid;
  std::string seriesUid;
  std::string sentTo;
  std::int64_t createdAt = 0;
};

}  // namespace medsight

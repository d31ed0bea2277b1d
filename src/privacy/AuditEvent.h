#pragma once

#include <string>
#include <vector>

namespace medsight {

/// \brief Who acted (DICOM PS3.15 A.5.2 ActiveParticipant): a person or a model. A model is
/// named by name, version and the SHA-256 of its weights so every result is attributable to
/// the exact model that produced it.
struct AuditParticipant {
  /// \brief UserID: login name, or "model:<name>" for a model.
  std::string userId;
  /// \brief UserName: display name (optional).
  std::string userName;
  /// \brief RoleIDCode: MedSight role (radiologist, technologist, researcher, administrator).
  std::string role;
  /// \brief UserIsRequestor (A.5.2).
  bool isRequestor = true;
  /// \brief NetworkAccessPointID: host or IP the request came from (optional).
  std::string networkAccessPoint;
  /// \brief Model name when the actor is a model.
  std::string modelName;
  /// \brief Model version when the actor is a model.
  std::string modelVersion;
  /// \brief SHA-256 of the model weights when the actor is a model.
  std::string weightsSha256;
};

/// \brief What was acted on (A.5 ParticipantObjectIdentification).
struct AuditObject {
  /// \brief ParticipantObjectTypeCode: 1 person, 2 system object.
  int typeCode = 2;
  /// \brief ParticipantObjectTypeCodeRole: 1 patient, 3 report, 4 resource, 24 query ...
  int typeCodeRole = 4;
  /// \brief ParticipantObjectIDTypeCode, e.g. "110180" (Study Instance UID), "2" (Patient Number).
  std::string idTypeCode;
  /// \brief ParticipantObjectID (e.g. the Study Instance UID or the patient pseudonym).
  std::string id;
  /// \brief ParticipantObjectName (optional).
  std::string name;
  /// \brief ParticipantObjectDetail, free text (e.g. "files=59").
  std::string detail;
};

/// \brief One audited action (A.5.1 EventIdentification plus participants and objects).
struct AuditEvent {
  /// \brief EventID code from DCM CID 400, e.g. "110106" (Export), "110103" (Instances Accessed).
  std::string eventId;
  /// \brief EventID display name, e.g. "Export".
  std::string eventName;
  /// \brief EventActionCode: C create, R read, U update, D delete, E execute.
  char action = 'E';
  /// \brief EventOutcomeIndicator: 0 success, 4 minor failure, 8 serious failure, 12 major.
  int outcome = 0;
  /// \brief EventOutcomeDescription (optional).
  std::string outcomeDescription;
  /// \brief EventTypeCode refining the event, e.g. "deidentification" (optional).
  std::string eventType;
  /// \brief ActiveParticipant(s): the requesting user or model first.
  std::vector<AuditParticipant> participants;
  /// \brief ParticipantObject(s).
  std::vector<AuditObject> objects;
  /// \brief AuditSourceID; the log fills in "medsight@<host>" when empty.
  std::string sourceId;
};

}  // namespace medsight

#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medsight {

/// \brief The people who use MedSight.
enum class Role { Radiologist, Technologist, Researcher, Administrator };

/// \brief Everything a role may or may not do; the REST server maps each endpoint to one.
enum class Permission {
  ViewIdentifiedStudy,    ///< open images and reports with patient identity
  ViewDeidentifiedStudy,  ///< open de-identified images and results
  ImportStudy,            ///< store studies received from modalities or files
  RunModel,               ///< run an AI model on a study
  WriteReport,            ///< draft a report or annotate findings
  SignReport,             ///< finalise (sign) a report
  ExportIdentified,       ///< send identified data out (DICOM, FHIR)
  ExportDeidentified,     ///< export de-identified data sets
  Deidentify,             ///< run de-identification
  Reidentify,             ///< resolve a pseudonym back to the patient
  DeleteStudy,            ///< delete stored studies
  TrainModel,             ///< train or fine-tune models on de-identified data
  ReadAuditLog,           ///< read and verify the audit trail
  ManageUsers,            ///< create users and assign roles
  ManageKeys,             ///< create or rotate keys
};

/// \brief The one permission table of MedSight, checked in one place: the CLI and the REST
/// server both call require() (HTTP 403 / exit code 41 via ErrorCode::Forbidden). Researchers
/// see de-identified data only; only administrators manage users, keys and audit; only
/// radiologists sign reports.
class AccessPolicy {
 public:
  /// \brief True if `role` holds `permission`.
  static bool allows(Role role, Permission permission);
  /// \brief Throws Forbidden naming the role, the permission and `resource` unless allowed.
  static void require(Role role, Permission permission, std::string_view resource);
  /// \brief Read access to a study: identified studies need ViewIdentifiedStudy, de-identified
  /// ones ViewDeidentifiedStudy. Throws Forbidden otherwise.
  static void requireStudyAccess(Role role, bool studyIsIdentified, std::string_view studyId);
  /// \brief Permissions of one role, in declaration order (for `GET /me` and docs).
  static std::vector<Permission> permissionsOf(Role role);

  /// \brief "radiologist" ... ; parseRole throws InvalidArgument listing the valid names.
  static std::string roleName(Role role);
  /// \brief Parses a role name (case-insensitive).
  static Role parseRole(std::string_view name);
  /// \brief "view-identified-study" ...
  static std::string permissionName(Permission permission);
  /// \brief Every permission in declaration order.
  static std::vector<Permission> allPermissions();
};

}  // namespace medsight

#include "privacy/AccessPolicy.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/Error.h"

namespace medsight {
namespace {

struct PermissionRow {
  Permission permission;
  const char* name;
  // Columns: radiologist, technologist, researcher, administrator.
  std::array<bool, 4> granted;
};

// The permission table. Rows follow the least-privilege principle: a role gets what its daily
// work needs. Researchers never touch identified data (HIPAA/GDPR minimum necessary).
constexpr PermissionRow kTable[] = {
    // permission                        name                      rad    tech   res    admin
    {Permission::ViewIdentifiedStudy, "view-identified-study", {true, true, false, false}},
    {Permission::ViewDeidentifiedStudy, "view-deidentified-study", {true, true, true, true}},
    {Permission::ImportStudy, "import-study", {true, true, false, true}},
    {Permission::RunModel, "run-model", {true, true, true, false}},
    {Permission::WriteReport, "write-report", {true, false, false, false}},
    {Permission::SignReport, "sign-report", {true, false, false, false}},
    {Permission::ExportIdentified, "export-identified", {true, false, false, false}},
    {Permission::ExportDeidentified, "export-deidentified", {true, true, true, true}},
    {Permission::Deidentify, "deidentify", {true, true, false, true}},
    {Permission::Reidentify, "reidentify", {false, false, false, true}},
    {Permission::DeleteStudy, "delete-study", {false, false, false, true}},
    {Permission::TrainModel, "train-model", {false, false, true, false}},
    {Permission::ReadAuditLog, "read-audit-log", {false, false, false, true}},
    {Permission::ManageUsers, "manage-users", {false, false, false, true}},
    {Permission::ManageKeys, "manage-keys", {false, false, false, true}},
};

constexpr const char* kRoleNames[] = {"radiologist", "technologist", "researcher", "administrator"};

const PermissionRow& row(Permission permission) {
  for (const auto& r : kTable) {
    if (r.permission == permission) return r;
  }
  throw Error(ErrorCode::Internal, "access policy: permission missing from the table");
}

}  // namespace

bool AccessPolicy::allows(Role role, Permission permission) {
  return row(permission).granted[static_cast<std::size_t>(role)];
}

void AccessPolicy::require(Role role, Permission permission, std::string_view resource) {
  if (!allows(role, permission)) {
    throw Error(ErrorCode::Forbidden, std::string(resource) + ": role " + roleName(role) +
                                          " lacks permission " + permissionName(permission));
  }
}

void AccessPolicy::requireStudyAccess(Role role, bool studyIsIdentified, std::string_view studyId) {
  require(role,
          studyIsIdentified ? Permission::ViewIdentifiedStudy : Permission::ViewDeidentifiedStudy,
          "study " + std::string(studyId) + (studyIsIdentified ? " (identified)" : ""));
}

std::vector<Permission> AccessPolicy::permissionsOf(Role role) {
  std::vector<Permission> out;
  for (const auto& r : kTable) {
    if (r.granted[static_cast<std::size_t>(role)]) out.push_back(r.permission);
  }
  return out;
}

std::string AccessPolicy::roleName(Role role) {
  return kRoleNames[static_cast<int>(role)];
}

Role AccessPolicy::parseRole(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (int i = 0; i < 4; ++i) {
    if (lower == kRoleNames[i]) return static_cast<Role>(i);
  }
  throw Error(ErrorCode::InvalidArgument,
              "role '" + std::string(name) +
                  "': unknown (expected radiologist, technologist, researcher or administrator)");
}

std::string AccessPolicy::permissionName(Permission permission) {
  return row(permission).name;
}

std::vector<Permission> AccessPolicy::allPermissions() {
  std::vector<Permission> out;
  for (const auto& r : kTable) out.push_back(r.permission);
  return out;
}

}  // namespace medsight

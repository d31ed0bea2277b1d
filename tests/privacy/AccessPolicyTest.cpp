#include <gtest/gtest.h>

#include "core/Error.h"
#include "privacy/AccessPolicy.h"

namespace medsight {
namespace {

TEST(AccessPolicy, ResearcherSeesDeidentifiedDataOnly) {
  EXPECT_FALSE(AccessPolicy::allows(Role::Researcher, Permission::ViewIdentifiedStudy));
  EXPECT_TRUE(AccessPolicy::allows(Role::Researcher, Permission::ViewDeidentifiedStudy));
  EXPECT_THROW(AccessPolicy::requireStudyAccess(Role::Researcher, true, "1.2.3"), Error);
  EXPECT_NO_THROW(AccessPolicy::requireStudyAccess(Role::Researcher, false, "1.2.3"));
}

TEST(AccessPolicy, RequireThrowsForbiddenNamingRolePermissionAndResource) {
  try {
    AccessPolicy::require(Role::Technologist, Permission::SignReport, "report 42");
    FAIL() << "technologists must not sign reports";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Forbidden);
    EXPECT_EQ(e.httpStatus(), 403);
    const std::string message = e.what();
    EXPECT_NE(message.find("report 42"), std::string::npos);
    EXPECT_NE(message.find("technologist"), std::string::npos);
    EXPECT_NE(message.find("sign-report"), std::string::npos);
  }
}

TEST(AccessPolicy, OnlyAdministratorsManageKeysUsersAuditAndReidentify) {
  for (const auto p : {Permission::ManageKeys, Permission::ManageUsers, Permission::ReadAuditLog,
                       Permission::Reidentify, Permission::DeleteStudy}) {
    EXPECT_TRUE(AccessPolicy::allows(Role::Administrator, p));
    for (const auto r : {Role::Radiologist, Role::Technologist, Role::Researcher}) {
      EXPECT_FALSE(AccessPolicy::allows(r, p)) << AccessPolicy::permissionName(p);
    }
  }
}

TEST(AccessPolicy, OnlyRadiologistsSignReportsAndEveryPermissionHasAHolder) {
  EXPECT_TRUE(AccessPolicy::allows(Role::Radiologist, Permission::SignReport));
  for (const auto p : AccessPolicy::allPermissions()) {
    bool held = false;
    for (const auto r :
         {Role::Radiologist, Role::Technologist, Role::Researcher, Role::Administrator}) {
      held = held || AccessPolicy::allows(r, p);
    }
    EXPECT_TRUE(held) << AccessPolicy::permissionName(p);
  }
}

TEST(AccessPolicy, ParsesRoleNamesAndRejectsUnknownOnes) {
  EXPECT_EQ(AccessPolicy::parseRole("Radiologist"), Role::Radiologist);
  EXPECT_EQ(AccessPolicy::parseRole("administrator"), Role::Administrator);
  EXPECT_EQ(AccessPolicy::roleName(Role::Researcher), "researcher");
  try {
    AccessPolicy::parseRole("nurse");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

}  // namespace
}  // namespace medsight

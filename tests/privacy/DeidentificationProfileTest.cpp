#include <gtest/gtest.h>

#include "core/Error.h"
#include "privacy/DeidentificationProfile.h"

namespace medsight {
namespace {

using O = ConfidentialityOption;

TEST(DeidentificationProfile, ParsesEveryOptionNameAndRejectsUnknownOnes) {
  for (const auto o : DeidentificationProfile::allOptions()) {
    EXPECT_EQ(DeidentificationProfile::parseOption(DeidentificationProfile::optionName(o)), o);
  }
  try {
    DeidentificationProfile::parseOption("retain-everything");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("retain-safe-private"), std::string::npos);
  }
}

TEST(DeidentificationProfile, OptionsCarryTheirCid7050Codes) {
  EXPECT_EQ(DeidentificationProfile::optionCodeValue(O::RetainSafePrivate), "113111");
  EXPECT_EQ(DeidentificationProfile::optionCodeValue(O::RetainUids), "113110");
  EXPECT_EQ(DeidentificationProfile::optionCodeValue(O::RetainLongitudinalModifiedDates), "113107");
  EXPECT_EQ(DeidentificationProfile::optionCodeValue(O::CleanPixelData), "113101");
  const DeidentificationProfile p({O::RetainUids});
  const auto values = p.methodValues();
  ASSERT_EQ(values.size(), 2u);
  for (const auto& v : values) EXPECT_LE(v.size(), 64u);  // LO limit
}

TEST(DeidentificationProfile, FullAndModifiedDatesExcludeEachOther) {
  EXPECT_THROW(
      DeidentificationProfile({O::RetainLongitudinalFullDates, O::RetainLongitudinalModifiedDates}),
      Error);
}

TEST(DeidentificationProfile, CombinedCodesResolveToConformantActions) {
  EXPECT_EQ(DeidentificationProfile::resolveCode("X/Z", false), DeidAction::Empty);
  EXPECT_EQ(DeidentificationProfile::resolveCode("X/D", false), DeidAction::Dummy);
  EXPECT_EQ(DeidentificationProfile::resolveCode("Z/D", false), DeidAction::Dummy);
  EXPECT_EQ(DeidentificationProfile::resolveCode("X/Z/D", false), DeidAction::Dummy);
  EXPECT_EQ(DeidentificationProfile::resolveCode("X/Z/U", true), DeidAction::KeepReferences);
  EXPECT_EQ(DeidentificationProfile::resolveCode("X/Z/U", false), DeidAction::ReplaceUid);
}

TEST(DeidentificationProfile, RetainingOptionWinsOverCleaningOption) {
  ConfidentialityRule rule;
  rule.basic = "X";
  rule.options[2] = "K";  // device identity
  rule.options[6] = "C";  // modified dates
  int column = -2;
  EXPECT_EQ(
      DeidentificationProfile({O::RetainLongitudinalModifiedDates}).effectiveCode(rule, &column),
      "C");
  EXPECT_EQ(column, 6);
  EXPECT_EQ(DeidentificationProfile({O::RetainDeviceIdentity, O::RetainLongitudinalModifiedDates})
                .effectiveCode(rule, &column),
            "K");
  EXPECT_EQ(column, 2);
  EXPECT_EQ(DeidentificationProfile().effectiveCode(rule, &column), "X");
  EXPECT_EQ(column, -1);
}

}  // namespace
}  // namespace medsight

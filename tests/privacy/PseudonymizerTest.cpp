#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "privacy/KeyFile.h"
#include "privacy/Pseudonymizer.h"

namespace medsight {
namespace {

KeyFile keyOf(char fill) {
  return KeyFile::fromBytes(std::string(32, fill));
}

TEST(Pseudonymizer, SameInputSameKeyGivesSameOutputAcrossInstances) {
  const Pseudonymizer a(keyOf('a'));
  const Pseudonymizer b(keyOf('a'));
  EXPECT_EQ(a.patientPseudonym("HOSP", "12345"), b.patientPseudonym("HOSP", "12345"));
  EXPECT_EQ(a.replaceUid("1.2.840.113619.2.1"), b.replaceUid("1.2.840.113619.2.1"));
  EXPECT_EQ(a.dateShiftDays("12345"), b.dateShiftDays("12345"));
}

TEST(Pseudonymizer, DifferentKeysOrInputsGiveDifferentOutputs) {
  const Pseudonymizer a(keyOf('a'));
  const Pseudonymizer c(keyOf('c'));
  EXPECT_NE(a.patientPseudonym("", "12345"), c.patientPseudonym("", "12345"));
  EXPECT_NE(a.patientPseudonym("", "12345"), a.patientPseudonym("", "12346"));
  EXPECT_NE(a.patientPseudonym("A", "12345"), a.patientPseudonym("B", "12345"));
  EXPECT_NE(a.replaceUid("1.2.3"), c.replaceUid("1.2.3"));
}

TEST(Pseudonymizer, ReplacementUidsAreValidDicomUidsAndDoNotCollide) {
  const Pseudonymizer p(keyOf('u'));
  const std::regex valid("2\\.25\\.(0|[1-9][0-9]*)");
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    const std::string uid = p.replaceUid("1.2.826.0.1.3680043.2." + std::to_string(i));
    EXPECT_TRUE(std::regex_match(uid, valid)) << uid;
    EXPECT_LE(uid.size(), 64u);
    seen.insert(uid);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(Pseudonymizer, DateShiftIsBetweenOneDayAndTenYearsBack) {
  const Pseudonymizer p(keyOf('d'));
  std::set<int> distinct;
  for (int i = 0; i < 1000; ++i) {
    const int shift = p.dateShiftDays("patient-" + std::to_string(i));
    EXPECT_LE(shift, -1);
    EXPECT_GE(shift, -3650);
    distinct.insert(shift);
  }
  EXPECT_GT(distinct.size(), 800u);  // spread, not a constant
}

TEST(Pseudonymizer, PatientPseudonymHasFixedShape) {
  const Pseudonymizer p(keyOf('p'));
  EXPECT_TRUE(std::regex_match(p.patientPseudonym("", "x"), std::regex("MS[0-9A-F]{16}")));
  EXPECT_EQ(p.token("ae", "STATION1", 8).size(), 8u);
}

}  // namespace
}  // namespace medsight

#include <gtest/gtest.h>

#include "privacy/DateShifter.h"
#include "privacy/IdentifierScrubber.h"

namespace medsight {
namespace {

TEST(DateShifter, ShiftsAcrossMonthYearAndLeapDays) {
  const DateShifter back(-1);
  EXPECT_EQ(back.shiftDate("20200301"), "20200229");
  EXPECT_EQ(back.shiftDate("20210101"), "20201231");
  EXPECT_EQ(DateShifter(-366).shiftDate("20210101"), "20200101");
  EXPECT_EQ(back.shiftDate("20200301\\20200302"), "20200229\\20200301");
  EXPECT_EQ(back.shiftDate("2020.03.01"), "20200229");
}

TEST(DateShifter, KeepsTimeAndOffsetOfDateTimes) {
  EXPECT_EQ(DateShifter(-10).shiftDateTime("20200311093000.123456+0100"),
            "20200301093000.123456+0100");
}

TEST(DateShifter, PartialOrInvalidDatesAreNotShifted) {
  EXPECT_FALSE(DateShifter(-1).shiftDate("2020").has_value());
  EXPECT_FALSE(DateShifter(-1).shiftDate("20201341").has_value());
  EXPECT_FALSE(DateShifter(-1).shiftDateTime("2020").has_value());
}

TEST(IdentifierScrubber, ReplacesNamesIdsAndComponentsCaseInsensitively) {
  IdentifierScrubber s;
  s.addIdentifier("Doe^John", true);
  s.addIdentifier("MRN12345", false);
  EXPECT_EQ(s.scrub("CT for JOHN DOE, MRN12345, follow-up"), "CT for * *, *, follow-up");
  EXPECT_TRUE(s.containsIdentifier("john"));
  EXPECT_FALSE(s.containsIdentifier("CHEST"));
}

TEST(IdentifierScrubber, ScrubsChineseNamesInTheirOwnEncoding) {
  IdentifierScrubber s;
  s.addIdentifier("Wang^XiaoDong=\xE7\x8E\x8B^\xE5\xB0\x8F\xE6\x9D\xB1=", true);
  EXPECT_EQ(s.scrub("patient \xE7\x8E\x8B stable; XiaoDong seen"), "patient * stable; * seen");
}

TEST(IdentifierScrubber, IgnoresTooShortFragments) {
  IdentifierScrubber s;
  s.addIdentifier("Li^Al", true);
  EXPECT_EQ(s.scrub("Alveolar"), "Alveolar");
}

}  // namespace
}  // namespace medsight

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "privacy/ConfidentialityRuleTable.h"
#include "support/TestData.h"

namespace medsight {
namespace {

const ConfidentialityRuleTable& table() {
  return ConfidentialityRuleTable::standard();
}

TEST(ConfidentialityRuleTable, HoldsEveryRowOfTableE11) {
  // PS3.15 2025a Table E.1-1: 627 attributes, 3 repeating-group rows, 1 private-attributes row.
  EXPECT_EQ(table().rules().size(), 631u);
}

TEST(ConfidentialityRuleTable, KnownRowsCarryTheStandardsActions) {
  const auto* name = table().find(0x0010, 0x0010);
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->basic, "Z");
  EXPECT_EQ(name->keyword, "PatientName");
  const auto* study = table().find(0x0020, 0x000D);
  ASSERT_NE(study, nullptr);
  EXPECT_EQ(study->basic, "U");
  EXPECT_EQ(study->options[1], "K");  // Retain UIDs
  const auto* date = table().find(0x0008, 0x0020);
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->options[5], "K");  // full dates
  EXPECT_EQ(date->options[6], "C");  // modified dates
  EXPECT_EQ(table().find(0x0008, 0x1140)->basic, "X/Z/U");
  EXPECT_EQ(table().find(0x0010, 0x1010)->options[4], "K");  // age: patient characteristics
  EXPECT_EQ(table().find(0x0008, 0x0016), nullptr);          // SOP Class UID is not in the table
  EXPECT_EQ(table().privateAttributesRule().basic, "X");
  EXPECT_EQ(table().privateAttributesRule().options[0], "C");
}

TEST(ConfidentialityRuleTable, RepeatingGroupRowsMatchEveryGroupOfTheirRange) {
  for (std::uint16_t g : {0x6000, 0x6002, 0x601E}) {
    const auto* overlay = table().find(g, 0x3000);
    ASSERT_NE(overlay, nullptr);
    EXPECT_EQ(overlay->options[9], "C");
  }
  EXPECT_NE(table().find(0x5004, 0x3000), nullptr);  // curve data (50xx,xxxx)
  EXPECT_EQ(table().find(0x6000, 0x0010), nullptr);  // Overlay Rows is kept
}

TEST(ConfidentialityRuleTable, MalformedTablesAreRejectedWithTheLine) {
  const std::string header = "tag\tkeyword\tvr\tbasic\ta\tb\tc\td\te\tf\tg\th\ti\tj\n";
  try {
    ConfidentialityRuleTable::parse(header + "00100010\tPatientName\tPN\tQ\t\t\t\t\t\t\t\t\t\t\n",
                                    "bad.tsv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    EXPECT_NE(std::string(e.what()).find("bad.tsv:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ConfidentialityRuleTable::parse(header, "no-private.tsv"), Error);
  EXPECT_THROW(ConfidentialityRuleTable::parse("nonsense\n", "x.tsv"), Error);
}

TEST(ConfidentialityRuleTable, CommittedTableIsWhatTheGeneratorProducesFromTheStandardsText) {
  const std::string source = MEDSIGHT_SOURCE_DIR;
  if (std::system("python3 --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  const auto out = test::temporaryDirectory("table") / "table.tsv";
  const std::string command = "python3 " + source +
                              "/scripts/privacy/generate_table_e1_1.py --output " + out.string() +
                              " > /dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::stringstream generated, committed;
  generated << std::ifstream(out).rdbuf();
  committed << std::ifstream(source + "/data/privacy/table_e1_1.tsv").rdbuf();
  EXPECT_EQ(generated.str(), committed.str())
      << "data/privacy/table_e1_1.tsv is stale: re-run scripts/privacy/generate_table_e1_1.py";
}

}  // namespace
}  // namespace medsight

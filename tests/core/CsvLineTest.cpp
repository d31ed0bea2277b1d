#include <gtest/gtest.h>

#include "core/CsvLine.h"
#include "core/Error.h"

namespace medsight {
namespace {

TEST(CsvLine, SplitsQuotedFieldsWithCommasAndDoubledQuotes) {
  const auto f = CsvLine::split("a,\"b,c\",\"say \"\"hi\"\"\",,end\r", "t.csv:1");
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "b,c");
  EXPECT_EQ(f[2], "say \"hi\"");
  EXPECT_EQ(f[3], "");
  EXPECT_EQ(f[4], "end");
}

TEST(CsvLine, UnterminatedQuoteIsCorruptDataNamingTheLine) {
  try {
    CsvLine::split("a,\"open", "t.csv:7");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("t.csv:7"), std::string::npos);
  }
}

}  // namespace
}  // namespace medsight

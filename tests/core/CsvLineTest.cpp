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

TEST(CsvLine, BinaryBytesAreRefusedButTabsCrAndNonAsciiTextAreNot) {
  try {
    CsvLine::split(std::string("PK\x03\x04\x14\0", 6), "x.csv:1");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("x.csv:1: control byte 0x03 at character 3"),
              std::string::npos)
        << e.what();
  }
  // A tab inside a field, a CRLF line end, UTF-8 and a Windows-1252 e-acute all stay text.
  const auto f = CsvLine::split("M\xc3\xbcller\t,Ren\xe9,\xe5\x8c\xbb\xe9\x99\xa2\r", "y.csv:2");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], "M\xc3\xbcller\t");
  EXPECT_EQ(f[1], "Ren\xe9");
}

}  // namespace
}  // namespace medsight

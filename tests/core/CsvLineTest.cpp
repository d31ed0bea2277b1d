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

TEST(CsvLine, BinaryBytesAreRefusedButTextIsNot) {
  auto refused = [](const std::string& line, const std::string& expected) {
    try {
      CsvLine::split(line, "x.csv:1");
      ADD_FAILURE() << "no error for " << expected;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CorruptData);
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  refused(std::string("\xd3\x9a\x03\x00", 4), "x.csv:1: byte 3 is 0x03");
  // A NUL is refused even inside quotes: text never holds one.
  refused(std::string("a,\"b\0c\"", 7), "byte 5 is 0x00");
  refused("id,\x1bscan", "byte 4 is 0x1B");
  // A tab inside a field, a CRLF line end, UTF-8 and a Windows-1252 e-acute all stay text.
  auto f = CsvLine::split("M\xc3\xbcller\t,Ren\xe9,\xe5\x8c\xbb\xe9\x99\xa2\r", "y.csv:2");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], "M\xc3\xbcller\t");
  EXPECT_EQ(f[1], "Ren\xe9");
  // A free-text cell as FileMaker writes it (line breaks as vertical tabs), and an HL7 framing
  // byte inside quotes, are text too; so are a form feed and a vertical tab outside quotes.
  f = CsvLine::split("1,\"follow-up\vsee prior\x1c\",page\fbreak\vend", "z.csv:3");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1], "follow-up\vsee prior\x1c");
}

TEST(CsvLine, DropsTheByteOrderMarkOfAUtf8Export) {
  std::string line = "\xEF\xBB\xBFid,label";
  CsvLine::dropByteOrderMark(line);
  EXPECT_EQ(line, "id,label");
  CsvLine::dropByteOrderMark(line);
  EXPECT_EQ(line, "id,label");
}

}  // namespace
}  // namespace medsight

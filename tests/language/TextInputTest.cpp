#include <gtest/gtest.h>

#include "core/Error.h"
#include "language/TextInput.h"

namespace medsight {

TEST(TextInput, AcceptsValidEnglishAndChinese) {
  EXPECT_EQ(TextInput::firstInvalidUtf8("No effusion. 未见胸腔积液。😀"), std::string::npos);
  EXPECT_NO_THROW(TextInput::require("右肺结节", "text"));
}

TEST(TextInput, FindsTheFirstInvalidByte) {
  EXPECT_EQ(TextInput::firstInvalidUtf8(std::string("ab\xff", 3)), 2u);
  EXPECT_EQ(TextInput::firstInvalidUtf8(std::string("a\xc0\xaf", 3)), 1u);         // overlong
  EXPECT_EQ(TextInput::firstInvalidUtf8(std::string("\xed\xa0\x80", 3)), 0u);      // surrogate
  EXPECT_EQ(TextInput::firstInvalidUtf8(std::string("ok\xe5\x8f", 4)), 2u);        // truncated
  EXPECT_EQ(TextInput::firstInvalidUtf8(std::string("\xf4\x90\x80\x80", 4)), 0u);  // > U+10FFFF
  EXPECT_EQ(TextInput::firstInvalidUtf8(std::string("x\x80y", 3)), 1u);  // stray continuation
}

TEST(TextInput, InvalidUtf8IsUnsupportedFormatNamingInputAndByte) {
  try {
    TextInput::require(std::string("No effusion \xc3\x28", 14), "report.txt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UnsupportedFormat);
    EXPECT_NE(std::string(e.what()).find("report.txt"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("byte 12"), std::string::npos) << e.what();
  }
}

TEST(TextInput, EmptyOrBlankTextIsEmptyInput) {
  for (const std::string& text : {std::string(), std::string(" \n\t  \r\n")}) {
    try {
      TextInput::require(text, "text");
      FAIL() << "expected EmptyInput";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::EmptyInput);
    }
  }
}

TEST(TextInput, OversizeTextIsTooLarge) {
  const std::string text(2000, 'a');
  try {
    TextInput::require(text, "big.txt", 1000);
    FAIL() << "expected TooLarge";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge);
    EXPECT_NE(std::string(e.what()).find("big.txt"), std::string::npos);
  }
}

TEST(TextInput, CountsScripts) {
  const auto counts = TextInput::countScripts("CT: 右肺 nodule");
  EXPECT_EQ(counts.han, 2u);
  EXPECT_EQ(counts.latin, 8u);
}

}  // namespace medsight

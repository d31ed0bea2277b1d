#include "core/MemoryBudget.h"

#include <gtest/gtest.h>

#include "core/Error.h"
#include "core/Image.h"

namespace medsight {

TEST(MemoryBudget, ParsesUnits) {
  EXPECT_EQ(MemoryBudget::parseSize("1024"), 1024u);
  EXPECT_EQ(MemoryBudget::parseSize("2K"), 2048u);
  EXPECT_EQ(MemoryBudget::parseSize("512M"), 512ull << 20);
  EXPECT_EQ(MemoryBudget::parseSize("4G"), 4ull << 30);
  EXPECT_EQ(MemoryBudget::parseSize("1gb"), 1ull << 30);
  EXPECT_THROW(MemoryBudget::parseSize(""), Error);
  EXPECT_THROW(MemoryBudget::parseSize("G"), Error);
  EXPECT_THROW(MemoryBudget::parseSize("12X"), Error);
  EXPECT_THROW(MemoryBudget::parseSize("99999999999999999999"), Error);
}

TEST(MemoryBudget, RejectsOverflowingExtentsBeforeAllocating) {
  try {
    MemoryBudget::checkedBytes("hostile.nii", 8, {60000, 60000, 60000, 60000});
    FAIL() << "expected TooLarge";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge);
    EXPECT_NE(std::string(e.what()).find("hostile.nii"), std::string::npos);
  }
}

TEST(MemoryBudget, ImageConstructorHonoursBudget) {
  const auto saved = MemoryBudget::maxImageBytes();
  MemoryBudget::setMaxImageBytes(1000);
  EXPECT_THROW(Image(PixelType::Float32, {100, 100, 1, 1}, 2), Error);
  EXPECT_NO_THROW(Image(PixelType::UInt8, {10, 10, 1, 1}, 2));
  MemoryBudget::setMaxImageBytes(saved);
}

TEST(MemoryBudget, RejectsAxisLongerThanLimit) {
  EXPECT_THROW(MemoryBudget::checkedBytes("x", 1, {MemoryBudget::maxAxisLength() + 1}), Error);
}

}  // namespace medsight

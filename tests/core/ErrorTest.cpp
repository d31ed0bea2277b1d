#include "core/Error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace medsight {

TEST(ErrorTable, EveryCodeHasUniqueExitCodeOutsideZeroAndOne) {
  std::set<int> seen;
  for (const auto& row : errorCodeTable()) {
    EXPECT_GE(row.exitCode, 2) << row.name;
    EXPECT_LE(row.exitCode, 125) << row.name << ": shells reserve 126+";
    EXPECT_TRUE(seen.insert(row.exitCode).second) << "duplicate exit code for " << row.name;
  }
}

TEST(ErrorTable, EveryCodeMapsToAnHttpErrorStatus) {
  for (const auto& row : errorCodeTable()) {
    EXPECT_GE(row.httpStatus, 400) << row.name;
    EXPECT_LE(row.httpStatus, 599) << row.name;
    EXPECT_FALSE(row.description.empty()) << row.name;
  }
}

TEST(ErrorTable, KnownMappingsMatchTheTable) {
  EXPECT_EQ(errorCodeInfo(ErrorCode::InvalidArgument).exitCode, 2);
  EXPECT_EQ(errorCodeInfo(ErrorCode::InvalidArgument).httpStatus, 400);
  EXPECT_EQ(errorCodeInfo(ErrorCode::FileNotFound).httpStatus, 404);
  EXPECT_EQ(errorCodeInfo(ErrorCode::Unauthenticated).httpStatus, 401);
  EXPECT_EQ(errorCodeInfo(ErrorCode::Forbidden).httpStatus, 403);
  EXPECT_EQ(errorCodeInfo(ErrorCode::PayloadTooLarge).httpStatus, 413);
  EXPECT_EQ(errorCodeInfo(ErrorCode::UnsupportedFormat).httpStatus, 415);
  EXPECT_EQ(errorCodeInfo(ErrorCode::Internal).httpStatus, 500);
}

TEST(ErrorTable, NamesRoundTrip) {
  for (const auto& row : errorCodeTable()) {
    EXPECT_EQ(errorCodeFromName(row.name), row.code);
  }
  EXPECT_THROW(errorCodeFromName("NoSuchCode"), Error);
}

TEST(Error, CarriesCodeMessageAndMappings) {
  const Error e(ErrorCode::CorruptData, "CT_small.dcm: pixel data truncated at byte 812");
  EXPECT_EQ(e.code(), ErrorCode::CorruptData);
  EXPECT_EQ(e.codeName(), "CorruptData");
  EXPECT_EQ(std::string(e.what()), "CT_small.dcm: pixel data truncated at byte 812");
  EXPECT_EQ(e.exitCode(), errorCodeInfo(ErrorCode::CorruptData).exitCode);
  EXPECT_EQ(e.httpStatus(), 422);
}

}  // namespace medsight

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "support/TestData.h"

namespace medsight {
namespace {

int exitCodeOf(ErrorCode code) {
  return errorCodeInfo(code).exitCode;
}

}  // namespace

TEST(CommandLine, VersionPrintsVersionAndExitsZero) {
  std::string out, err;
  EXPECT_EQ(test::medsight("--version", &out, &err), 0) << err;
  EXPECT_NE(out.find("medsight 0."), std::string::npos) << out;
}

TEST(CommandLine, HelpListsRegisteredCommands) {
  std::string out, err;
  EXPECT_EQ(test::medsight("--help", &out, &err), 0);
  EXPECT_NE(out.find("errors"), std::string::npos) << out;
}

TEST(CommandLine, UnknownCommandGivesOneLineErrorAndItsExitCode) {
  std::string out, err;
  EXPECT_EQ(test::medsight("frobnicate", &out, &err), exitCodeOf(ErrorCode::UnknownCommand));
  EXPECT_NE(err.find("medsight: error [UnknownCommand]"), std::string::npos) << err;
  EXPECT_NE(err.find("frobnicate"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(CommandLine, UnknownFlagOfAKnownCommandIsInvalidArgument) {
  std::string out, err;
  EXPECT_EQ(test::medsight("errors --no-such-flag", &out, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("--no-such-flag"), std::string::npos) << err;
}

TEST(CommandLine, MissingCommandIsInvalidArgument) {
  std::string out, err;
  EXPECT_EQ(test::medsight("", &out, &err), exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("command is required"), std::string::npos) << err;
}

TEST(CommandLine, ErrorsCommandPrintsTheTableAsJson) {
  std::string out, err;
  ASSERT_EQ(test::medsight("errors --json", &out, &err), 0) << err;
  const auto table = nlohmann::json::parse(out);
  ASSERT_EQ(table.size(), errorCodeTable().size());
  bool sawCorrupt = false;
  for (const auto& row : table) {
    if (row["code"] == "CorruptData") {
      sawCorrupt = true;
      EXPECT_EQ(row["exit_code"], exitCodeOf(ErrorCode::CorruptData));
      EXPECT_EQ(row["http_status"], 422);
    }
  }
  EXPECT_TRUE(sawCorrupt);
}

TEST(CommandLine, WithJsonAnErrorIsAlsoAJsonObjectOnStdout) {
  // A parse error (unknown command) and an error thrown by a command after parsing.
  for (const auto& [args, code] :
       {std::pair<std::string, ErrorCode>{"--json frobnicate", ErrorCode::UnknownCommand},
        {"info --json /no/such/file.nii.gz", ErrorCode::FileNotFound}}) {
    std::string out, err;
    EXPECT_EQ(test::medsight(args, &out, &err), exitCodeOf(code)) << args << ": " << err;
    const auto body = nlohmann::json::parse(out);
    EXPECT_EQ(body["error"]["code"], std::string(errorCodeInfo(code).name)) << out;
    EXPECT_EQ(body["error"]["exit_code"], exitCodeOf(code)) << out;
    EXPECT_EQ(body["error"]["status"], errorCodeInfo(code).httpStatus) << out;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty()) << out;
    // The one-line stderr report stays as it was.
    EXPECT_NE(err.find("medsight: error [" + std::string(errorCodeInfo(code).name) + "]"),
              std::string::npos)
        << err;
  }
  // Without --json, stdout stays empty on error. (A command that has already printed its JSON
  // result and then fails adds no second object: privacy.DeidCliE2E.MixedFolder... parses
  // stdout of a partly failed `deid --json` as one document.)
  std::string out, err;
  EXPECT_NE(test::medsight("frobnicate", &out, &err), 0);
  EXPECT_TRUE(out.empty()) << out;
}

TEST(CommandLine, BadLogLevelIsReportedNotAborted) {
  std::string out, err;
  EXPECT_EQ(test::medsight("--log-level loud errors", &out, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("loud"), std::string::npos) << err;
}

}  // namespace medsight

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::string writeFile(const std::string& name, const std::string& content) {
  const auto path = test::temporaryDirectory("language-cli") / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

int exitCodeOf(ErrorCode code) {
  return errorCodeInfo(code).exitCode;
}

}  // namespace

TEST(LanguageCommands, ExtractPrintsFindingsAsJson) {
  std::string out, err;
  ASSERT_EQ(test::medsight("language extract --json 'FINDINGS: No pleural effusion. Right lower "
                           "lobe consolidation.'",
                           &out, &err),
            0)
      << err;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["findings"].size(), 2u);
  EXPECT_EQ(j["findings"][0]["concept"], "effusion");
  EXPECT_EQ(j["findings"][0]["assertion"], "negated");
  EXPECT_EQ(j["findings"][1]["laterality"], "right");
}

TEST(LanguageCommands, ExtractReadsAChineseFile) {
  const auto file = writeFile("report.txt", "印象：左肺上叶结节，未见气胸。");
  std::string out, err;
  ASSERT_EQ(test::medsight("language extract --lang zh --file " + file + " --json", &out, &err), 0)
      << err;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["findings"].size(), 2u);
  EXPECT_EQ(j["findings"][0]["location"], "upper_lobe");
  EXPECT_EQ(j["findings"][1]["assertion"], "negated");
}

TEST(LanguageCommands, BadInputExitsWithTheTableCode) {
  std::string out, err;
  EXPECT_EQ(test::medsight("language extract ''", &out, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  const auto empty = writeFile("empty.txt", "  \n");
  EXPECT_EQ(test::medsight("language extract --file " + empty, &out, &err),
            exitCodeOf(ErrorCode::EmptyInput));
  const auto latin1 = writeFile("latin1.txt", "Pleural effusion \xe9t\xe9.");
  EXPECT_EQ(test::medsight("language extract --file " + latin1, &out, &err),
            exitCodeOf(ErrorCode::UnsupportedFormat));
  EXPECT_NE(err.find("invalid UTF-8"), std::string::npos) << err;
  EXPECT_EQ(test::medsight("language extract --file /nonexistent.txt", &out, &err),
            exitCodeOf(ErrorCode::FileNotFound));
  // A folder is named as a folder (it exists; "not found" would send the user looking for it).
  const auto folder = test::temporaryDirectory("language-cli").string();
  EXPECT_EQ(test::medsight("language extract --file " + folder, &out, &err),
            exitCodeOf(ErrorCode::FileUnreadable));
  EXPECT_NE(err.find("is a folder"), std::string::npos) << err;
  EXPECT_EQ(test::medsight("language summary " + folder, &out, &err),
            exitCodeOf(ErrorCode::FileUnreadable));
  EXPECT_NE(err.find("is a folder"), std::string::npos) << err;
  EXPECT_EQ(test::medsight("language extract --lang fr 'No effusion.'", &out, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  const auto big = writeFile("big.txt", std::string(5000, 'a'));
  EXPECT_EQ(test::medsight("language extract --max-bytes 1000 --file " + big, &out, &err),
            exitCodeOf(ErrorCode::TooLarge));
}

TEST(LanguageCommands, SummaryInChineseAndRejectsUnsigned) {
  const auto signedFile =
      writeFile("signed.json",
                R"({"study":{"modality":"CT","body_part":"chest"},"signed_by":"Dr. Wang",
          "findings":[{"concept":"nodule","present":true,"count":2,"probability":0.95}]})");
  std::string out, err;
  ASSERT_EQ(test::medsight("language summary " + signedFile + " --lang zh --json", &out, &err), 0)
      << err;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["language"], "zh");
  EXPECT_NE(j["text"].get<std::string>().find("2个小结节"), std::string::npos) << out;
  const auto unsignedFile = writeFile("unsigned.json", R"({"findings":[]})");
  EXPECT_EQ(test::medsight("language summary " + unsignedFile, &out, &err),
            exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("not signed"), std::string::npos) << err;
  const auto broken = writeFile("broken.json", "{\"findings\": [");
  EXPECT_EQ(test::medsight("language summary " + broken, &out, &err),
            exitCodeOf(ErrorCode::BadJson));
}

TEST(LanguageCommands, CompareFlagsDisagreement) {
  const auto ai = writeFile("ai.json", R"([{"concept":"pneumonia","probability":0.93}])");
  std::string out, err;
  ASSERT_EQ(
      test::medsight("language compare --json --ai " + ai + " 'No consolidation.'", &out, &err), 0)
      << err;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["disagreements"], 1);
  EXPECT_EQ(j["concepts"][0]["verdict"], "disagree");
}

TEST(LanguageCommandsData, EvalPrintsMetricsAsJson) {
  MEDSIGHT_DATASET(path, "clinical-text/context_dev.tsv");
  std::string out, err;
  ASSERT_EQ(
      test::medsight("language eval --data " + path.string() + " --json --part odd", &out, &err), 0)
      << err;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["rows"], 800);
  EXPECT_GT(j["negation"]["f1"].get<double>(), 0.9);
  EXPECT_GT(j["temporality"]["accuracy"].get<double>(), 0.85);
  EXPECT_TRUE(j["experiencer"].contains("accuracy"));
}

}  // namespace medsight

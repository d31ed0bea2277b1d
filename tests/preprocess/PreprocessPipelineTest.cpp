#include <gtest/gtest.h>

#include <fstream>

#include "SyntheticImages.h"
#include "core/Error.h"
#include "preprocess/PreprocessPipeline.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

using test::codeOf;

TEST(PreprocessPipeline, UnknownStepNamesTheStepAndTheKnownOnes) {
  try {
    PreprocessPipeline::fromJson(json{{"steps", {{{"step", "median"}}, {{"step", "gaussian"}}}}},
                                 "p.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    const std::string m = e.what();
    EXPECT_NE(m.find("p.json: step 2: unknown step 'gaussian'"), std::string::npos) << m;
    EXPECT_NE(m.find("n4_bias_correction"), std::string::npos) << m;
  }
}

TEST(PreprocessPipeline, RejectsUnknownParametersAndBadValues) {
  EXPECT_EQ(codeOf([] {
              PreprocessPipeline::fromJson(json::array({{{"step", "median"}, {"radiu", 2}}}), "p");
            }),
            ErrorCode::InvalidConfiguration);
  EXPECT_EQ(
      codeOf([] {
        PreprocessPipeline::fromJson(json::array({{{"step", "resample"}, {"spacing", -1}}}), "p");
      }),
      ErrorCode::InvalidConfiguration);
  EXPECT_EQ(codeOf([] {
              PreprocessPipeline::fromJson(
                  json::array({{{"step", "resample"}, {"spacing", 1}, {"interpolation", "cubic"}}}),
                  "p");
            }),
            ErrorCode::InvalidConfiguration);
  EXPECT_EQ(codeOf([] {
              PreprocessPipeline::fromJson(json{{"step", "median"}}, "p");
            }),
            ErrorCode::InvalidConfiguration);
  EXPECT_EQ(
      codeOf([] {
        PreprocessPipeline::fromJson(json{{"format", "other/2"}, {"steps", json::array()}}, "p");
      }),
      ErrorCode::InvalidConfiguration);
}

// A misspelt top-level key once dropped its whole list of steps without a word.
TEST(PreprocessPipeline, AnUnknownTopLevelKeyIsNamedNotIgnored) {
  try {
    PreprocessPipeline::fromJson(
        json{{"steps", {{{"step", "median"}}}}, {"stpes", {{{"step", "zscore"}}}}}, "p.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    EXPECT_NE(std::string(e.what()).find("p.json: unknown key \"stpes\""), std::string::npos)
        << e.what();
  }
  // A description is documentation and allowed.
  EXPECT_EQ(PreprocessPipeline::fromJson(
                json{{"description", "MR"}, {"steps", {{{"step", "median"}}}}}, "p.json")
                .toJson()["steps"]
                .size(),
            1u);
}

TEST(PreprocessPipeline, BadJsonFileIsBadJson) {
  const auto dir = test::temporaryDirectory("pipeline");
  std::ofstream(dir / "bad.json") << "{\"steps\": [ {\"step\": \"median\" ";
  EXPECT_EQ(codeOf([&] { PreprocessPipeline::fromFile(dir / "bad.json"); }), ErrorCode::BadJson);
  EXPECT_EQ(codeOf([&] { PreprocessPipeline::fromFile(dir / "missing.json"); }),
            ErrorCode::FileNotFound);
}

TEST(PreprocessPipeline, YamlPipelineFileIsTheSamePipelineAsItsJson) {
  const auto dir = test::temporaryDirectory("pipeline-yaml");
  std::ofstream(dir / "p.yaml") << "steps:\n"
                                   "  - step: resample\n"
                                   "    spacing: [2, 2, 3]\n"
                                   "  - {step: zscore, region: nonzero}\n";
  std::ofstream(dir / "p.json") << R"({"steps": [{"step": "resample", "spacing": [2, 2, 3]},
                                       {"step": "zscore", "region": "nonzero"}]})";
  EXPECT_EQ(PreprocessPipeline::fromFile(dir / "p.yaml").toJson(),
            PreprocessPipeline::fromFile(dir / "p.json").toJson());
  // A typo is refused as in JSON, naming the file.
  std::ofstream(dir / "typo.yml") << "- step: median\n  radus: 2\n";
  try {
    PreprocessPipeline::fromFile(dir / "typo.yml");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    EXPECT_NE(std::string(e.what()).find("typo.yml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("radus"), std::string::npos) << e.what();
  }
}

TEST(PreprocessPipeline, MaskOnAnotherGridIsRefused) {
  const Image img = test::syntheticVolume(10, 10, 4, [](auto, auto, auto) { return 1.0f; });
  Image mask(PixelType::UInt8, {10, 10, 5, 1}, 3, 1, img.geometry());
  PreprocessSubject s{img, mask};
  EXPECT_EQ(codeOf([&] {
              PreprocessPipeline::fromJson(json::array({{{"step", "median"}}}), "p").run(s);
            }),
            ErrorCode::GeometryMismatch);
}

TEST(PreprocessPipeline, RecordReplaysExactly) {
  Image img = test::syntheticVolume(30, 28, 8, [](auto x, auto y, auto z) {
    return static_cast<float>(50 + x * 2 + y + (z % 3) * 10);
  });
  test::addNoise(img, 4.0);
  const auto pipeline = PreprocessPipeline::fromJson(
      json{{"steps",
            {{{"step", "median"}},
             {{"step", "resample"}, {"spacing", {1.2, 1.2, 2.5}}},
             {{"step", "crop"}, {"source", "threshold"}, {"threshold", 60}, {"margin_mm", 2}},
             {{"step", "zscore"}, {"clip_low", 1}, {"clip_high", 99}}}}},
      "p");
  const Image out = pipeline.run(img);
  ASSERT_TRUE(out.metadata().count(PreprocessPipeline::kRecordKey));
  const auto record = json::parse(out.metadata().at(PreprocessPipeline::kRecordKey));
  ASSERT_EQ(record.size(), 4u);
  EXPECT_EQ(record[3]["step"], "zscore");
  EXPECT_TRUE(record[3]["measured"].contains("mean"));
  EXPECT_TRUE(record[2]["measured"].contains("start"));

  const Image replay = PreprocessPipeline::fromMetadata(out.metadata()).run(img);
  ASSERT_TRUE(replay.sameGrid(out, 1e-12));
  const auto a = out.pixels<float>(), b = replay.pixels<float>();
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << i;
}

TEST(PreprocessPipeline, EveryKnownStepHasDefaultsThatParse) {
  for (const auto& name : PreprocessPipeline::knownSteps()) {
    json step{{"step", name}};
    if (name == "resample") step["spacing"] = 1.0;
    EXPECT_NO_THROW(PreprocessPipeline::fromJson(json::array({step}), "p")) << name;
  }
}

}  // namespace
}  // namespace medsight

#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "core/StructuredFileReader.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

ErrorCode codeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::Internal;
}

TEST(StructuredFileReader, YamlReadsAsTheSameJson) {
  const auto tmp = test::temporaryDirectory("structured-reader");
  std::ofstream(tmp / "p.yaml") << R"(# a preprocessing pipeline
steps:
  - step: resample
    spacing: [1, 1.5, 3.27]
    interpolation: bspline
  - {step: zscore, region: nonzero, clip_low: 0.5}
  - step: non_local_means
    slicewise: yes     # a string in YAML 1.2, as MedSight's "auto"/"yes"/"no" choice
    seed: ~
    method: "itk"
    note: "3"
    on: true
)";
  const json y = StructuredFileReader::read(tmp / "p.yaml");
  const json expected = json::parse(R"({"steps": [
      {"step": "resample", "spacing": [1, 1.5, 3.27], "interpolation": "bspline"},
      {"step": "zscore", "region": "nonzero", "clip_low": 0.5},
      {"step": "non_local_means", "slicewise": "yes", "seed": null, "method": "itk",
       "note": "3", "on": true}]})");
  EXPECT_EQ(y, expected);
  EXPECT_TRUE(y["steps"][0]["spacing"][0].is_number_integer());
  EXPECT_TRUE(y["steps"][0]["spacing"][1].is_number_float());
  EXPECT_TRUE(y["steps"][2]["note"].is_string());  // quoted: text, not a number
  // .yml and upper case count too; anything else is JSON.
  std::ofstream(tmp / "q.YML") << "[{step: median}]\n";
  EXPECT_EQ(StructuredFileReader::read(tmp / "q.YML"), json::parse(R"([{"step": "median"}])"));
  std::ofstream(tmp / "r.json") << R"({"steps": []})";
  EXPECT_EQ(StructuredFileReader::read(tmp / "r.json")["steps"], json::array());
}

TEST(StructuredFileReader, BadFilesAreNamedWithTheirPosition) {
  const auto tmp = test::temporaryDirectory("structured-reader-bad");
  std::ofstream(tmp / "bad.yaml") << "steps:\n  - step: median\n   radius: [1, 2\n";
  try {
    StructuredFileReader::read(tmp / "bad.yaml");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.yaml:3:4"), std::string::npos) << what;
    EXPECT_NE(what.find("invalid YAML"), std::string::npos) << what;
  }
  std::ofstream(tmp / "key.yaml") << "? [a, b]\n: 1\n";
  EXPECT_EQ(codeOf([&] { StructuredFileReader::read(tmp / "key.yaml"); }),
            ErrorCode::InvalidConfiguration);
  for (const char* text : {"a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "# nothing\n", "a: 1e999\n"}) {
    std::ofstream(tmp / "x.yaml") << text;
    EXPECT_EQ(codeOf([&] { StructuredFileReader::read(tmp / "x.yaml"); }),
              ErrorCode::InvalidConfiguration)
        << text;
  }
  std::ofstream(tmp / "bad.json") << "{\"steps\": [";
  EXPECT_EQ(codeOf([&] { StructuredFileReader::read(tmp / "bad.json"); }), ErrorCode::BadJson);
  EXPECT_EQ(codeOf([&] { StructuredFileReader::read(tmp / "missing.yaml"); }),
            ErrorCode::FileNotFound);
  EXPECT_EQ(codeOf([&] { StructuredFileReader::read(tmp); }), ErrorCode::FileNotFound);
}

}  // namespace
}  // namespace medsight

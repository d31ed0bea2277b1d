#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "core/StructuredFileReader.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using nlohmann::json;

using test::codeOf;

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
  // A folder is named as one, not as a missing file.
  try {
    StructuredFileReader::read(tmp);
    FAIL() << "accepted a folder";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileUnreadable);
    EXPECT_NE(std::string(e.what()).find("is a folder"), std::string::npos) << e.what();
  }
}

// JSON gets the YAML reader's limits: `register --settings` crashed (stack overflow) on a file
// nested 100,000 deep, and a repeated key silently took its last value.
TEST(StructuredFileReader, JsonNestedTooDeepOrWithARepeatedKeyIsRefused) {
  const auto tmp = test::temporaryDirectory("structured-reader-json-limits");
  {
    std::ofstream deep(tmp / "deep.json");
    deep << "{\"rigid\":";
    for (int i = 0; i < 100000; ++i) deep << "{\"a\":";
    deep << "1";
    for (int i = 0; i < 100000; ++i) deep << "}";
    deep << "}";
    std::ofstream(tmp / "twice.json")
        << R"({"steps": [{"step": "median", "radius": 1, "radius": 5}]})";
  }
  EXPECT_EQ(test::codeOf([&] { StructuredFileReader::read(tmp / "deep.json"); }),
            ErrorCode::BadJson);
  EXPECT_EQ(test::codeOf([&] { StructuredFileReader::read(tmp / "twice.json"); }),
            ErrorCode::BadJson);
}

TEST(StructuredFileReader, CoreSchemaTagsAndIntegerForms) {
  const json y = StructuredFileReader::fromYaml(R"(hex: 0x1F
octal: 0o17
not_hex: 0xG1
bare_0x: 0x
leading_zero: 017
plus: +5
tagged_str: !!str 3
tagged_int: !!int "42"
tagged_hex: !!int 0x10
tagged_float: !!float 2
tagged_bool: !!bool "false"
tagged_null: !!null ~
exp: 1e3
dot: .5
inf: .inf
)",
                                                "t.yaml");
  EXPECT_EQ(y["hex"], 31);
  EXPECT_EQ(y["octal"], 15);
  EXPECT_EQ(y["not_hex"], "0xG1");
  EXPECT_EQ(y["bare_0x"], "0x");
  EXPECT_EQ(y["leading_zero"], 17);  // the 1.2 core schema has no C-style octal
  EXPECT_EQ(y["plus"], 5);
  EXPECT_EQ(y["tagged_str"], "3");
  EXPECT_EQ(y["tagged_int"], 42);
  EXPECT_TRUE(y["tagged_int"].is_number_integer());
  EXPECT_EQ(y["tagged_hex"], 16);
  EXPECT_EQ(y["tagged_float"], 2.0);
  EXPECT_TRUE(y["tagged_float"].is_number_float());
  EXPECT_EQ(y["tagged_bool"], false);
  EXPECT_TRUE(y["tagged_null"].is_null());
  EXPECT_EQ(y["exp"], 1000.0);
  EXPECT_EQ(y["dot"], 0.5);
  EXPECT_EQ(y["inf"], ".inf");  // JSON has no infinity; a numeric setting then refuses it
  // A value that does not fit its tag, or a tag of another schema, is refused where it stands.
  for (const char* text : {"a: !!int 1.5\n", "a: !!bool yes\n", "a: !!float x\n", "a: !!null 0\n",
                           "a: !custom 1\n", "a: !!timestamp 2001-12-14\n", "a: !!float 0x10\n",
                           "a: !!str [1, 2]\n", "a: !!set {x, y}\n", "a: !custom {b: 1}\n"}) {
    try {
      StructuredFileReader::fromYaml(text, "t.yaml");
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration) << text;
      EXPECT_NE(std::string(e.what()).find("t.yaml:1:4"), std::string::npos) << e.what();
    }
  }
  // A collection's own core tag is fine; a number too small for a double is read as the
  // nearest one (as JSON readers do), not refused.
  EXPECT_EQ(StructuredFileReader::fromYaml("a: !!seq [1]\nb: !!map {c: 2}\n", "t"),
            json::parse(R"({"a": [1], "b": {"c": 2}})"));
  EXPECT_GE(StructuredFileReader::fromYaml("a: 1e-320\n", "t")["a"].get<double>(), 0.0);
  // 0x beyond 64 bits is out of range, not silently a float.
  EXPECT_EQ(codeOf([] { StructuredFileReader::fromYaml("a: 0x1ffffffffffffffff\n", "t"); }),
            ErrorCode::InvalidConfiguration);
}

TEST(StructuredFileReader, MergeKeysShareSettingsAndDirectKeysWin) {
  const json y =
      StructuredFileReader::fromYaml(R"(base: &base {step: median, radius: 1, slicewise: no}
extra: &extra {radius: 5, note: shared}
steps:
  - <<: *base
    radius: 2
  - <<: [*base, *extra]
  - {<<: *extra, note: own}
)",
                                     "m.yaml");
  EXPECT_EQ(y["steps"][0], json::parse(R"({"step": "median", "radius": 2, "slicewise": "no"})"));
  // Earlier mappings in the list win over later ones.
  EXPECT_EQ(y["steps"][1],
            json::parse(R"({"step": "median", "radius": 1, "slicewise": "no", "note": "shared"})"));
  EXPECT_EQ(y["steps"][2], json::parse(R"({"radius": 5, "note": "own"})"));
  // A quoted "<<" is an ordinary key; merging a scalar is refused.
  EXPECT_EQ(StructuredFileReader::fromYaml("\"<<\": 1\n", "m")["<<"], 1);
  EXPECT_EQ(codeOf([] { StructuredFileReader::fromYaml("a:\n  <<: 3\n", "m"); }),
            ErrorCode::InvalidConfiguration);
  // An explicit !!merge key merges; a second merge key, even after an empty one, is refused.
  EXPECT_EQ(StructuredFileReader::fromYaml("b: &b {x: 1}\nc: {!!merge <<: *b}\n", "m")["c"],
            json::parse(R"({"x": 1})"));
  EXPECT_EQ(
      codeOf([] { StructuredFileReader::fromYaml("b: &b {x: 1}\nc: {<<: [], <<: *b}\n", "m"); }),
      ErrorCode::InvalidConfiguration);
}

/// YAML whose level k (k = 1..levels) names level k-1 ten times between `open` and `close`;
/// level 0 is `base`: it expands to 10^levels copies of level 0.
std::string aliasChain(const std::string& name, const std::string& base, const std::string& open,
                       const std::string& close, int levels) {
  std::string text = name + "0: &" + name + "0 " + base + "\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string prev = "*" + name + std::to_string(level - 1);
    text += name + std::to_string(level) + ": &" + name + std::to_string(level) + " " + open;
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += close + "\n";
  }
  return text;
}

TEST(StructuredFileReader, HostileFilesAreRefusedNotExpanded) {
  // "Billion laughs": nine levels of ten aliases each would expand to 10^9 values.
  const std::string laughs = aliasChain("l", "[x, x, x, x, x, x, x, x, x, x]", "[", "]", 9);
  try {
    StructuredFileReader::fromYaml(laughs, "laughs.yaml");
    FAIL() << "expanded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    EXPECT_NE(std::string(e.what()).find("more than 1000000 values"), std::string::npos)
        << e.what();
  }
  // A mapping that merges itself would recurse for ever; a chain of merges of empty mappings
  // adds no values but grows exponentially: both are stopped by the limits.
  for (const char* text : {"a: &a {<<: *a}\n", "a: &a {<<: [*a]}\n"}) {
    EXPECT_EQ(codeOf([&] { StructuredFileReader::fromYaml(text, "self.yaml"); }),
              ErrorCode::InvalidConfiguration)
        << text;
  }
  const std::string mergeBomb = aliasChain("m", "{}", "{<<: [", "]}", 7);
  EXPECT_EQ(codeOf([&] { StructuredFileReader::fromYaml(mergeBomb, "bomb.yaml"); }),
            ErrorCode::InvalidConfiguration);
  // A 50,000-digit number is out of range (it used to overflow std::regex's stack).
  EXPECT_EQ(codeOf([] { StructuredFileReader::fromYaml("a: " + std::string(50000, '7'), "d"); }),
            ErrorCode::InvalidConfiguration);
  EXPECT_EQ(StructuredFileReader::fromYaml("a: " + std::string(50000, 'x'), "d")["a"],
            std::string(50000, 'x'));
  // Deep nesting is refused with a position rather than recursing without bound.
  EXPECT_EQ(codeOf([] {
              StructuredFileReader::fromYaml(std::string(300, '[') + std::string(300, ']'), "n");
            }),
            ErrorCode::InvalidConfiguration);
  try {
    StructuredFileReader::fromYaml(std::string(100000, '[') + std::string(100000, ']'), "n");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
    EXPECT_NE(std::string(e.what()).find("nested too deeply"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace medsight

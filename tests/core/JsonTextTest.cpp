#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "core/Error.h"
#include "core/JsonText.h"
#include "support/ErrorCodeOf.h"

namespace medsight {
namespace {

std::string nested(int levels) {
  std::string s;
  for (int i = 0; i < levels; ++i) s += i % 2 ? "[" : "{\"a\":";
  s += "1";
  for (int i = levels - 1; i >= 0; --i) s += i % 2 ? "]" : "}";
  return s;
}

std::string messageOf(const std::string& text) {
  try {
    (void)JsonText::parse(text, "settings.json");
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

// 100,000 levels overflowed the stack of nlohmann's parser (a segmentation fault in
// `medsight register --settings`).
TEST(JsonText, RefusesNestingDeeperThanTheLimit) {
  EXPECT_EQ(test::codeOf([] { (void)JsonText::parse(nested(100000), "settings.json"); }),
            ErrorCode::BadJson);
  EXPECT_NE(messageOf(nested(201)).find("settings.json: invalid JSON: nested deeper than 200"),
            std::string::npos)
      << messageOf(nested(201));
  const auto ok = JsonText::parse(nested(JsonText::kMaxDepth), "settings.json");
  EXPECT_TRUE(ok.is_object());
}

TEST(JsonText, RefusesAKeyRepeatedInOneObject) {
  EXPECT_NE(messageOf(R"({"step": "median", "radius": 1, "radius": 5})")
                .find("the key \"radius\" appears twice in one object"),
            std::string::npos);
  EXPECT_EQ(test::codeOf([] { (void)JsonText::parse(R"([{"a": {"b": 1, "b": 2}}])", "x"); }),
            ErrorCode::BadJson);
  // The same key in sibling or nested objects is not a repeat.
  const auto j = JsonText::parse(R"([{"a": 1}, {"a": 2, "b": {"a": 3}}])", "x");
  EXPECT_EQ(j[1]["b"]["a"], 3);
}

TEST(JsonText, ReportsMalformedJsonWithTheCallersCode) {
  std::istringstream in(R"({"a": )");
  EXPECT_EQ(
      test::codeOf([&] { (void)JsonText::parse(in, "manifest.json", ErrorCode::ModelInvalid); }),
      ErrorCode::ModelInvalid);
  EXPECT_NE(messageOf("").find("settings.json: invalid JSON"), std::string::npos);
  std::istringstream good(R"({"a": [1, 2.5, "x", null, true]})");
  EXPECT_EQ(JsonText::parse(good, "g")["a"].size(), 5u);
}

}  // namespace
}  // namespace medsight

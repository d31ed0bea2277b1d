#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "privacy/BurnedInAnnotationScreen.h"
#include "support/TestData.h"

namespace medsight {
namespace {

BurnedInFacts image(const std::string& modality) {
  BurnedInFacts f;
  f.hasPixelData = true;
  f.modality = modality;
  f.sopClassUid = "1.2.840.10008.5.1.4.1.1.2";
  f.manufacturer = "ACME Medical";
  f.model = "Sono 9";
  f.rows = 480;
  f.columns = 640;
  return f;
}

TEST(BurnedInAnnotationScreen, FlagsBurnedInAnnotationUltrasoundAndSecondaryCapture) {
  const BurnedInAnnotationScreen screen;
  EXPECT_FALSE(screen.screen(image("CT")).suspect);
  auto flagged = image("CT");
  flagged.burnedInAnnotation = "YES";
  EXPECT_TRUE(screen.screen(flagged).suspect);
  EXPECT_TRUE(screen.screen(image("US")).suspect);
  auto sc = image("OT");
  sc.sopClassUid = "1.2.840.10008.5.1.4.1.1.7.4";
  EXPECT_TRUE(screen.screen(sc).suspect);
  auto noPixels = image("US");
  noPixels.hasPixelData = false;
  EXPECT_FALSE(screen.screen(noPixels).suspect);
  EXPECT_NE(screen.screen(image("US")).reason.find("US"), std::string::npos);
}

TEST(BurnedInAnnotationScreen, ConfiguredDeviceRuleReleasesInsteadOfQuarantining) {
  const auto path = test::temporaryDirectory("rules") / "rules.json";
  std::ofstream(path) << R"({"rules": [{"manufacturer": "acme", "model": "sono",
                            "rows": 480, "columns": 640, "rectangles": [[0, 0, 640, 40]]}]})";
  const auto screen = BurnedInAnnotationScreen::loadRules(path);
  const auto decision = screen.screen(image("US"));
  EXPECT_TRUE(decision.suspect);
  ASSERT_NE(decision.rule, nullptr);
  EXPECT_EQ(decision.rule->rectangles.at(0)[2], 640u);
  auto other = image("US");
  other.rows = 600;
  EXPECT_EQ(screen.screen(other).rule, nullptr);
}

TEST(BurnedInAnnotationScreen, BadRuleFilesAreRejected) {
  const auto dir = test::temporaryDirectory("rules");
  std::ofstream(dir / "bad.json") << "{not json";
  std::ofstream(dir / "empty-rect.json")
      << R"({"rules": [{"manufacturer": "a", "rectangles": [[0, 0, 0, 4]]}]})";
  EXPECT_THROW(BurnedInAnnotationScreen::loadRules(dir / "bad.json"), Error);
  EXPECT_THROW(BurnedInAnnotationScreen::loadRules(dir / "empty-rect.json"), Error);
  EXPECT_THROW(BurnedInAnnotationScreen::loadRules(dir / "absent.json"), Error);
}

}  // namespace
}  // namespace medsight

// The report opens in Chromium (system browser through playwright-core) with every element
// rendered, no failed chart, no broken image and no network request.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "SyntheticBlobModel.h"
#include "support/TestData.h"

namespace medsight {

TEST(ReportBrowserE2E, EveryElementRendersInChromium) {
  const std::filesystem::path source = MEDSIGHT_SOURCE_DIR;
  const auto nodeModules = source / "report" / "node_modules";
  ASSERT_TRUE(std::filesystem::exists(nodeModules / "playwright-core"))
      << "run scripts/setup.sh (npm ci in report/) first";
  const auto& blob = test::trainedBlobModel();
  const auto out = test::temporaryDirectory("browser") / "report";
  std::string stdoutText, err;
  ASSERT_EQ(test::runCommand(test::medsightExecutable().string() + " -q validate --model " +
                                 blob.folder.string() + " --compare " +
                                 test::untrainedBlobPackage().string() + " --data " +
                                 blob.data.npz.string() + " --split val --out " + out.string() +
                                 " --bootstrap 200 --gallery 2 --sanity-samples 6 --recalibrate",
                             &stdoutText, &err),
            0)
      << err;
  EXPECT_TRUE(std::filesystem::exists(out / "report.pdf")) << stdoutText;
  const std::string check = "NODE_PATH=" + nodeModules.string() + " node " +
                            (source / "tests" / "report" / "check_report_in_browser.cjs").string() +
                            " " + (out / "report.html").string() + " " +
                            (out / "screenshot.png").string() +
                            " --comparison --sanity --recalibration";
  ASSERT_EQ(test::runCommand(check, &stdoutText, &err), 0) << stdoutText << err;
  const auto result = nlohmann::json::parse(stdoutText);
  EXPECT_TRUE(result["ok"].get<bool>());
  EXPECT_EQ(result["networkRequests"].size(), 0u);
  EXPECT_GT(result["galleryCards"].get<int>(), 0);
  EXPECT_TRUE(std::filesystem::exists(out / "screenshot.png"));
}

}  // namespace medsight

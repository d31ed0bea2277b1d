#include "core/ProgressReporter.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <thread>
#include <vector>

namespace medsight {

TEST(ProgressReporter, RendersPercentCountAndEta) {
  const std::string line = ProgressReporter::renderLine("train", 50, 200, 10.0, "loss 0.3", 20);
  EXPECT_NE(line.find(" 25%"), std::string::npos) << line;
  EXPECT_NE(line.find("50/200"), std::string::npos) << line;
  // 50 units in 10 s -> 5/s -> 150 left -> 30 s.
  EXPECT_NE(line.find("ETA 0:30"), std::string::npos) << line;
  EXPECT_NE(line.find("5.0/s"), std::string::npos) << line;
  EXPECT_NE(line.find("loss 0.3"), std::string::npos) << line;
}

TEST(ProgressReporter, UnknownTotalShowsCountOnly) {
  const std::string line = ProgressReporter::renderLine("scan", 7, 0, 1.0, "", 20);
  EXPECT_EQ(line.find('%'), std::string::npos) << line;
  EXPECT_NE(line.find("scan 7"), std::string::npos) << line;
}

TEST(ProgressReporter, CountsConcurrentAdvances) {
  ProgressReporter::setEnabled(false);
  ProgressReporter progress("work", 4000);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) progress.advance();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(progress.done(), 4000u);
  progress.finish();
}

TEST(ProgressReporter, SilentWhenNotATerminal) {
  // Tests run with stderr redirected by ctest, so nothing may be drawn.
  ProgressReporter::setEnabled(true);
  if (isatty(2)) GTEST_SKIP() << "stderr is a terminal in this run";
  EXPECT_FALSE(ProgressReporter::drawing());
}

}  // namespace medsight

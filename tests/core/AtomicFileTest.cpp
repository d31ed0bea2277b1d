#include "core/AtomicFile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/TestData.h"

namespace medsight {
namespace {

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> entries(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicFile, WriteFolderSwapsInACompleteFolderAndKeepsTheOldOneOnFailure) {
  const auto tmp = test::temporaryDirectory("atomic-folder");
  const auto pkg = tmp / "pkg";
  AtomicFile::writeFolder(
      pkg, [](const std::filesystem::path& stage) { std::ofstream(stage / "a.txt") << "one"; });
  EXPECT_EQ(readText(pkg / "a.txt"), "one");

  // A producer that throws part-way leaves the old folder as it was, and no staging folder.
  EXPECT_THROW(AtomicFile::writeFolder(pkg,
                                       [](const std::filesystem::path& stage) {
                                         std::ofstream(stage / "a.txt") << "half";
                                         throw std::runtime_error("interrupted");
                                       }),
               std::runtime_error);
  EXPECT_EQ(readText(pkg / "a.txt"), "one");
  EXPECT_EQ(entries(tmp), std::vector<std::string>{"pkg"});

  // A replacement removes files the new folder does not have; "pkg/" names the same folder
  // (the staging folder goes next to it, not inside).
  AtomicFile::writeFolder(tmp / "pkg/", [](const std::filesystem::path& stage) {
    std::ofstream(stage / "b.txt") << "two";
  });
  EXPECT_EQ(entries(pkg), std::vector<std::string>{"b.txt"});
  EXPECT_EQ(entries(tmp), std::vector<std::string>{"pkg"});
}

}  // namespace
}  // namespace medsight

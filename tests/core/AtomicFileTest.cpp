#include "core/AtomicFile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/Error.h"
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
  AtomicFile::writeFolder(pkg, [](const std::filesystem::path& stage) {
    std::ofstream(stage / "a.txt") << "one";
    std::ofstream(stage / "manifest.json") << "{}";
  });
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

// `classical train --out mydata` once swapped a package in for the user's folder, deleting the
// input table with it; a file as the folder was replaced too.
TEST(AtomicFile, WriteFolderNeverReplacesAFolderOfOtherFilesOrAFile) {
  const auto tmp = test::temporaryDirectory("atomic-folder-refuse");
  std::filesystem::create_directories(tmp / "mydata");
  std::ofstream(tmp / "mydata" / "table.csv") << "id,x\n";
  std::ofstream(tmp / "table.csv") << "id,x\n";
  const auto produce = [](const std::filesystem::path& stage) {
    std::ofstream(stage / "manifest.json") << "{}";
  };
  for (const char* target : {"mydata", "table.csv"}) {
    try {
      AtomicFile::writeFolder(tmp / target, produce);
      FAIL() << target;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    }
  }
  EXPECT_EQ(readText(tmp / "mydata" / "table.csv"), "id,x\n");
  EXPECT_EQ(readText(tmp / "table.csv"), "id,x\n");
  std::filesystem::create_directories(tmp / "empty");
  AtomicFile::writeFolder(tmp / "empty", produce);
  EXPECT_TRUE(std::filesystem::exists(tmp / "empty" / "manifest.json"));
}

}  // namespace
}  // namespace medsight

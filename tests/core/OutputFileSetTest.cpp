#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "core/OutputFileSet.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

using test::codeOf;

std::string contentOf(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(OutputFileSet, AFailedRunRemovesWhatItCreatedAndKeepsWhatExisted) {
  const auto tmp = test::temporaryDirectory("output-set");
  std::ofstream(tmp / "old.nii.gz") << "earlier result";
  {
    OutputFileSet outputs;
    outputs.addFile(tmp / "view.png", {".png"}, "--fuse-png");
    outputs.addFile(tmp / "old.nii.gz", {".nii", ".nii.gz"}, "--out-image");
    outputs.addFolder(tmp / "series/", "--fuse-dicom");
    std::ofstream(tmp / "view.png") << "png";
    std::filesystem::create_directory(tmp / "series");
    std::ofstream(tmp / "series" / "1.dcm") << "dcm";
    // No commit: the run failed here.
  }
  EXPECT_FALSE(std::filesystem::exists(tmp / "view.png"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "series"));
  EXPECT_EQ(contentOf(tmp / "old.nii.gz"), "earlier result");
  {
    OutputFileSet outputs;
    outputs.addFile(tmp / "view.png", {".png"}, "--fuse-png");
    std::ofstream(tmp / "view.png") << "png";
    outputs.commit();
  }
  EXPECT_EQ(contentOf(tmp / "view.png"), "png");
}

TEST(OutputFileSet, BadPathsAreRefusedBeforeAnyWork) {
  const auto tmp = test::temporaryDirectory("output-set-bad");
  OutputFileSet outputs;
  EXPECT_EQ(codeOf([&] {
              outputs.addFile(tmp / "a.png", {".nii", ".nii.gz"}, "--out-image");
            }),
            ErrorCode::InvalidArgument);
  EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "none" / "a.nii", {".nii"}, "--out-image"); }),
            ErrorCode::FileNotFound);
  EXPECT_EQ(codeOf([&] { outputs.addFile(tmp, {}, "--out"); }), ErrorCode::InvalidArgument);
  std::ofstream(tmp / "file") << "x";
  EXPECT_EQ(codeOf([&] { outputs.addFolder(tmp / "file", "--fuse-dicom"); }),
            ErrorCode::InvalidArgument);
  // Suffixes compare without case; one path may not be two outputs.
  outputs.addFile(tmp / "A.PNG", {".png"}, "--fuse-png");
  EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "." / "A.PNG", {}, "--out"); }),
            ErrorCode::InvalidArgument);
  outputs.commit();
}

}  // namespace
}  // namespace medsight

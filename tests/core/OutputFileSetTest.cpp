#include <gtest/gtest.h>
#include <unistd.h>

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

TEST(OutputFileSet, AFailedRunChangesNothingAndACommittedOneReplacesAll) {
  const auto tmp = test::temporaryDirectory("output-set");
  std::ofstream(tmp / "old.nii.gz") << "earlier result";
  std::ofstream(tmp / "old.json") << "earlier report";
  auto entries = [&] {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tmp)) ++n;
    return n;
  };
  {
    OutputFileSet outputs;
    const auto png = outputs.addFile(tmp / "view.png", {".png"}, "--fuse-png");
    const auto img = outputs.addFile(tmp / "old.nii.gz", {".nii", ".nii.gz"}, "--out-image");
    outputs.addFile(tmp / "old.json", {}, "--out");
    const auto series = outputs.addFolder(tmp / "series/", "--fuse-dicom");
    // Staged beside the target, hidden, with the target's whole name as its ending.
    EXPECT_EQ(png.parent_path(), tmp);
    EXPECT_EQ(png.filename().string().front(), '.');
    EXPECT_TRUE(png.string().ends_with("view.png"));
    EXPECT_TRUE(img.string().ends_with("old.nii.gz"));
    std::ofstream(png) << "png";
    std::ofstream(img) << "new image";  // the report is never written: the run fails here
    std::filesystem::create_directory(series);
    std::ofstream(series / "1.dcm") << "dcm";
  }
  EXPECT_FALSE(std::filesystem::exists(tmp / "view.png"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "series"));
  EXPECT_EQ(contentOf(tmp / "old.nii.gz"), "earlier result");
  EXPECT_EQ(contentOf(tmp / "old.json"), "earlier report");
  EXPECT_EQ(entries(), 2u);  // nothing staged is left behind
  {
    OutputFileSet outputs;
    const auto png = outputs.addFile(tmp / "view.png", {".png"}, "--fuse-png");
    const auto img = outputs.addFile(tmp / "old.nii.gz", {".nii", ".nii.gz"}, "--out-image");
    const auto series = outputs.addFolder(tmp / "series", "--fuse-dicom");
    std::ofstream(png) << "png";
    std::ofstream(img) << "new image";
    std::filesystem::create_directory(series);
    std::ofstream(series / "1.dcm") << "dcm";
    outputs.commit();
  }
  EXPECT_EQ(contentOf(tmp / "view.png"), "png");
  EXPECT_EQ(contentOf(tmp / "old.nii.gz"), "new image");
  EXPECT_EQ(contentOf(tmp / "series" / "1.dcm"), "dcm");
  EXPECT_EQ(entries(), 4u);
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
  // Also when the second names it through a symbolic link to its folder.
  std::filesystem::create_directory_symlink(tmp, tmp / "link");
  EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "link" / "A.PNG", {}, "--out"); }),
            ErrorCode::InvalidArgument);
  // An output folder must be new or empty: files of this run could not be told apart from
  // others in it, nor taken back.
  std::filesystem::create_directory(tmp / "full");
  std::ofstream(tmp / "full" / "keep.dcm") << "x";
  EXPECT_EQ(codeOf([&] { outputs.addFolder(tmp / "full", "--fuse-dicom"); }),
            ErrorCode::InvalidArgument);
  // A name too long to be written under its staging name is refused before any work.
  EXPECT_EQ(codeOf([&] {
              outputs.addFile(tmp / (std::string(250, 'n') + ".nii"), {".nii"}, "--out-image");
            }),
            ErrorCode::InvalidArgument);
  outputs.commit();
  EXPECT_TRUE(std::filesystem::exists(tmp / "full" / "keep.dcm"));
}

// `preprocess in.nii.gz out.nii.gz --record in.nii.gz` once replaced its input with JSON.
TEST(OutputFileSet, AnOutputThatIsAnInputIsRefusedInEitherOrder) {
  const auto tmp = test::temporaryDirectory("output-set-input");
  std::ofstream(tmp / "in.nii.gz") << "the input";
  std::filesystem::create_directory(tmp / "series");
  std::filesystem::create_directory_symlink(tmp, tmp / "link");
  {
    OutputFileSet outputs;
    outputs.addInput(tmp / "in.nii.gz", "input image");
    outputs.addInput(tmp / "series/", "--fixed-dicom series");
    outputs.addInput("", "--mask");  // an option not given
    EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "in.nii.gz", {".nii.gz"}, "--record"); }),
              ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "link" / "in.nii.gz", {}, "--record"); }),
              ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { outputs.addFolder(tmp / "series", "--fuse-dicom"); }),
              ErrorCode::InvalidArgument);
    try {
      outputs.addFile(tmp / "in.nii.gz", {}, "--record");
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("is the input image this command reads"),
                std::string::npos)
          << e.what();
    }
    // Nor inside an input folder (a DICOM series it reads).
    EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "series" / "seg.dcm", {}, "output"); }),
              ErrorCode::InvalidArgument);
    outputs.addFile(tmp / "out.nii.gz", {".nii.gz"}, "output");
    EXPECT_EQ(codeOf([&] { outputs.addInput(tmp, "--data folder"); }), ErrorCode::InvalidArgument);
    // Declared the other way round.
    EXPECT_EQ(codeOf([&] { outputs.addInput(tmp / "out.nii.gz", "--mask"); }),
              ErrorCode::InvalidArgument);
  }
  EXPECT_EQ(contentOf(tmp / "in.nii.gz"), "the input");
}

// Another name of the same file that no path comparison shows: a hard link here, as a
// case-insensitive USB export (SCAN.nii.gz and scan.nii.gz) or a bind mount would be.
TEST(OutputFileSet, AnotherNameOfAnInputFileIsRefused) {
  const auto tmp = test::temporaryDirectory("output-set-hardlink");
  std::ofstream(tmp / "in.nii.gz") << "the input";
  std::filesystem::create_hard_link(tmp / "in.nii.gz", tmp / "same.nii.gz");
  std::ofstream(tmp / "earlier.nii.gz") << "an earlier result";
  std::filesystem::create_hard_link(tmp / "earlier.nii.gz", tmp / "earlier-too.nii.gz");
  {
    OutputFileSet outputs;
    outputs.addInput(tmp / "in.nii.gz", "input image");
    EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "same.nii.gz", {".nii.gz"}, "output"); }),
              ErrorCode::InvalidArgument);
    outputs.addFile(tmp / "earlier.nii.gz", {".nii.gz"}, "output");
    EXPECT_EQ(codeOf([&] { outputs.addFile(tmp / "earlier-too.nii.gz", {}, "--record"); }),
              ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { outputs.addInput(tmp / "earlier-too.nii.gz", "--mask"); }),
              ErrorCode::InvalidArgument);
    // A different file of the same content is not the same file.
    std::ofstream(tmp / "copy.nii.gz") << "the input";
    EXPECT_NO_THROW(outputs.addFile(tmp / "copy.nii.gz", {".nii.gz"}, "--mask-out"));
  }
  EXPECT_EQ(contentOf(tmp / "in.nii.gz"), "the input");
}

// The folder's permissions are checked when the output is declared, not when the finished file
// is moved into place after all the work.
TEST(OutputFileSet, AFolderThatCannotBeWrittenIsRefusedBeforeAnyWork) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into any folder";
  const auto tmp = test::temporaryDirectory("output-set-ro");
  std::filesystem::create_directory(tmp / "ro");
  std::filesystem::permissions(
      tmp / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  OutputFileSet outputs;
  try {
    outputs.addFile(tmp / "ro" / "x.nii.gz", {".nii.gz"}, "output");
    ADD_FAILURE() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileWriteFailed);
    EXPECT_NE(std::string(e.what()).find("ermission denied"), std::string::npos) << e.what();
  }
  std::filesystem::permissions(tmp / "ro", std::filesystem::perms::owner_all);
}

TEST(OutputFileSet, AnEmptyOutputFolderIsReplacedByTheFinishedOne) {
  const auto tmp = test::temporaryDirectory("output-set-empty");
  std::filesystem::create_directory(tmp / "series");
  OutputFileSet outputs;
  const auto staged = outputs.addFolder(tmp / "series", "--fuse-dicom");
  EXPECT_NE(staged, tmp / "series");
  std::filesystem::create_directory(staged);
  std::ofstream(staged / "1.dcm") << "dcm";
  outputs.commit();
  EXPECT_EQ(contentOf(tmp / "series" / "1.dcm"), "dcm");
}

TEST(OutputFileSet, AnUpperCaseEndingIsWrittenUnderItsLowerCaseFormAndKeptOnTheTarget) {
  // Writers that choose the format by suffix (ITK's transform IO, the NIfTI writer) know only
  // ".tfm" and ".nii.gz": they must see those, and the user's file keeps the name as typed.
  const auto tmp = test::temporaryDirectory("output-set-case");
  OutputFileSet outputs;
  const auto staged = outputs.addFile(tmp / "Scan.NII.GZ", {".nii", ".nii.gz"}, "output");
  EXPECT_EQ(staged.parent_path(), tmp);
  const std::string name = staged.filename().string();
  EXPECT_TRUE(name.ends_with("-Scan.nii.gz")) << name;
  std::ofstream(staged) << "image";
  outputs.commit();
  EXPECT_EQ(contentOf(tmp / "Scan.NII.GZ"), "image");
  EXPECT_FALSE(std::filesystem::exists(tmp / "Scan.nii.gz"));
  // Two targets that differ only in the case of their ending are two files, not one.
  OutputFileSet two;
  const auto upper = two.addFile(tmp / "X.NII.GZ", {".nii.gz"}, "--out-image");
  const auto lower = two.addFile(tmp / "X.nii.gz", {".nii.gz"}, "--out-mask");
  EXPECT_NE(upper, lower);
  std::ofstream(upper) << "image";
  std::ofstream(lower) << "mask";
  two.commit();
  EXPECT_EQ(contentOf(tmp / "X.NII.GZ"), "image");
  EXPECT_EQ(contentOf(tmp / "X.nii.gz"), "mask");
}

}  // namespace
}  // namespace medsight

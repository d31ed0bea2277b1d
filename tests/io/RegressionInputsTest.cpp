// Inputs that once crashed, leaked or hung a reader under the fuzzers (fuzz/run.sh), kept in
// tests/io/regressions/. The name prefix says which reader found it: dicom-, nifti-, npz- (.npz
// archives) and npy- (.npy files). Each is read the way its fuzz target reads it and must be
// refused with a medsight::Error, or read; the expected outcome of each file is listed below so
// a change in behaviour is noticed. Memory errors and leaks only show under the sanitizers:
// fuzz/run.sh runs this suite in its ASan/UBSan build before fuzzing.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/Error.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesScanner.h"
#include "io/NiftiReader.h"
#include "io/NpzReader.h"

namespace medsight {
namespace {

std::filesystem::path regressionFolder() {
  return std::filesystem::path(MEDSIGHT_IO_REGRESSIONS_DIR);
}

/// Reads an array as the npz fuzz target does: images of a stack, labels of a small array.
void useArray(const NpyArray& array) {
  if (array.shape().size() == 3 || array.shape().size() == 4) {
    if (array.imageCount() > 0) array.image(array.imageCount() - 1).minMax();
  } else if (array.shape().size() <= 2) {
    array.asInt64();
  }
}

/// "ok" when the reader accepts the file, else the error code's name.
std::string outcome(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  try {
    if (name.starts_with("dicom-")) {
      DicomSeriesScanner::scan(file, false, 1);
      DicomFileReader::read(file);
    } else if (name.starts_with("nifti-")) {
      NiftiReader::read(file);
    } else if (name.starts_with("npy-")) {
      useArray(NpzReader::readNpy(file));
    } else if (name.starts_with("npz-")) {
      const NpzReader npz(file);
      for (const auto& array : npz.arrayNames()) useArray(npz.read(array));
    } else {
      return "no reader for this name prefix";
    }
  } catch (const Error& e) {
    return std::string(e.codeName());
  }
  return "ok";
}

/// What each committed input must give (file name -> "ok" or ErrorCode name), and what it was.
const std::map<std::string, std::string> kExpected = {
    // LSan: GDCM 3.0.21's JPEG 2000 codec leaked its OpenJPEG decoder on corrupt codestreams
    // (failed tile decode, absurd tile count, illegal component count); now Jpeg2000Decoder.
    {"dicom-j2k-corrupt-tile-leak.dcm", "CorruptData"},
    {"dicom-j2k-huge-tile-count-leak.dcm", "CorruptData"},
    {"dicom-j2k-bad-component-count-leak.dcm", "CorruptData"},
    // UBSan: uint64 label 2^64-1 cast to int64 through double (NpyArray::asInt64).
    {"npy-u8-label-above-int64.npy", "CorruptData"},
};

}  // namespace

TEST(IoRegressionInputs, EveryFuzzFindingIsReadOrRefusedWithAnError) {
  ASSERT_TRUE(std::filesystem::is_directory(regressionFolder())) << regressionFolder();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(regressionFolder())) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    const std::string got = outcome(entry.path());
    const auto expected = kExpected.find(name);
    ASSERT_NE(expected, kExpected.end())
        << "add the expected outcome of " << name << " (got " << got << ")";
    EXPECT_EQ(got, expected->second);
  }
  EXPECT_EQ(files, kExpected.size()) << "an expected regression input is missing";
}

}  // namespace medsight

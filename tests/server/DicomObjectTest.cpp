#include "server/DicomObject.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "server/SampleStudyWriter.h"
#include "server/UploadReader.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A small synthetic CR object (only the DICOM structure matters here).
std::string syntheticObject(const std::string& studyUid = "") {
  Image image(PixelType::UInt8, {32, 32, 1, 1}, 2);
  auto px = image.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i % 251);
  SampleStudySpec spec;
  spec.studyUid = studyUid;
  return SampleStudyWriter::write({image}, spec).at(0);
}

TEST(DicomObject, ValidUidRulesFollowPs35) {
  EXPECT_TRUE(DicomObject::isValidUid("1.2.840.10008.1.2"));
  EXPECT_TRUE(DicomObject::isValidUid("1.0.2"));
  EXPECT_FALSE(DicomObject::isValidUid(""));
  EXPECT_FALSE(DicomObject::isValidUid("1..2"));
  EXPECT_FALSE(DicomObject::isValidUid("1.02"));
  EXPECT_FALSE(DicomObject::isValidUid("1.2."));
  EXPECT_FALSE(DicomObject::isValidUid("1.2.a"));
  EXPECT_FALSE(DicomObject::isValidUid(std::string(65, '1')));
}

TEST(DicomObject, InvalidUtf8IsReplacedNotPassedOn) {
  EXPECT_EQ(DicomObject::sanitiseUtf8("Zh\xc3\xa0ng"), "Zh\xc3\xa0ng");
  EXPECT_EQ(DicomObject::sanitiseUtf8("a\xffz"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(DicomObject::sanitiseUtf8("\xe4\xb8"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(DicomObject, RoundTripKeepsUidsAndBytes) {
  const std::string bytes = syntheticObject();
  const auto object = DicomObject::parse(bytes, "sample");
  EXPECT_EQ(object.part10, bytes);
  EXPECT_EQ(object.summary.modality, "CR");
  EXPECT_TRUE(DicomObject::isValidUid(object.summary.studyInstanceUid));
  EXPECT_TRUE(object.summary.hasPixelData);
}

TEST(DicomObject, TruncatedObjectIsCorruptData) {
  const std::string bytes = syntheticObject();
  for (std::size_t keep : {std::size_t{0}, std::size_t{100}, std::size_t{200}, bytes.size() - 10}) {
    try {
      DicomObject::parse(bytes.substr(0, keep), "cut");
      ADD_FAILURE() << "accepted a file cut at " << keep << " bytes";
    } catch (const Error& e) {
      EXPECT_TRUE(e.code() == ErrorCode::CorruptData || e.code() == ErrorCode::InvalidArgument)
          << e.what();
    }
  }
}

TEST(DicomObject, TextIsNotDicom) {
  EXPECT_THROW(DicomObject::parse("{\"hello\": \"world\"} and some more text to be long", "text"),
               Error);
}

TEST(UploadReader, ZipOfObjectsSkipsOtherFilesAndRefusesDamage) {
  const auto dir = test::temporaryDirectory("zip");
  std::ofstream(dir / "a.dcm", std::ios::binary) << syntheticObject();
  std::ofstream(dir / "b.dcm", std::ios::binary) << syntheticObject();
  std::ofstream(dir / "README.txt") << "not dicom";
  std::string out, err;
  ASSERT_EQ(test::runCommand("cd " + dir.string() + " && zip -q s.zip a.dcm b.dcm README.txt", &out,
                             &err),
            0)
      << err;
  const std::string zip = slurp(dir / "s.zip");
  const auto contents = UploadReader::read(zip, "s.zip", 1 << 20);
  EXPECT_EQ(contents.objects.size(), 2u);
  ASSERT_EQ(contents.skipped.size(), 1u);
  try {
    UploadReader::read(zip.substr(0, zip.size() - 30), "cut.zip", 1 << 20);
    FAIL() << "truncated zip accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
  }
  EXPECT_THROW(UploadReader::read(zip, "s.zip", 1000), Error) << "unpacked size limit not enforced";
  EXPECT_THROW(UploadReader::read("", "empty", 1000), Error);
}

TEST(DicomObjectData, EverySampleFileParsesOrFailsWithAReason) {
  MEDSIGHT_DATASET(folder, "dicom-samples");
  int parsed = 0, refused = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(folder)) {
    if (!e.is_regular_file()) continue;
    try {
      const auto o = DicomObject::parse(slurp(e.path()), e.path().filename().string());
      EXPECT_FALSE(o.part10.empty());
      ++parsed;
    } catch (const Error& err) {
      EXPECT_FALSE(std::string(err.what()).empty());
      ++refused;
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(refused, 0) << "the sample set holds malformed files that must be refused";
}

}  // namespace
}  // namespace medsight

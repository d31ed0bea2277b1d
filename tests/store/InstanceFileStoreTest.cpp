#include "store/InstanceFileStore.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "support/TestData.h"

namespace medsight {
namespace {

InstanceFileStore makeStore(const std::filesystem::path& root) {
  return InstanceFileStore(root, AtRestCipher(KeyFile::fromBytes(std::string(32, 'z'))));
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(InstanceFileStore, FilesAreEncryptedAtRestAndRoundTrip) {
  const auto root = test::temporaryDirectory("files");
  const auto store = makeStore(root);
  const std::string plain = std::string(128, '\0') + "DICM" + "PatientName Doe^Jane";
  const auto stored = store.store(plain);
  EXPECT_EQ(stored.bytes, static_cast<std::int64_t>(plain.size()));
  const std::string onDisk = slurp(root / stored.fileName);
  EXPECT_EQ(onDisk.find("Doe^Jane"), std::string::npos) << "plaintext on disk";
  EXPECT_TRUE(AtRestCipher::isSealed(root / stored.fileName));
  EXPECT_EQ(store.read(stored.fileName), plain);
  EXPECT_EQ(store.store(plain).fileName, stored.fileName) << "same content, same name";
}

TEST(InstanceFileStore, TamperedFileIsRefused) {
  const auto root = test::temporaryDirectory("files");
  const auto store = makeStore(root);
  const auto stored = store.store("some dicom bytes");
  // Flipped, not overwritten: a fixed value left the (random, encrypted) file unchanged when
  // the byte already had it, 1 run in 256.
  test::flipByte(root / stored.fileName, -3);
  try {
    store.read(stored.fileName);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::IntegrityViolation);
  }
  EXPECT_THROW(store.read("objects/00/00/missing.msenc"), Error);
}

TEST(InstanceFileStore, SweepRemovesOnlyUnreferencedFiles) {
  const auto root = test::temporaryDirectory("files");
  const auto store = makeStore(root);
  const auto keep = store.store("kept");
  const auto orphan = store.store("orphan of an interrupted ingest");
  EXPECT_EQ(store.sweepUnreferenced({keep.fileName}), 1u);
  EXPECT_TRUE(std::filesystem::exists(root / keep.fileName));
  EXPECT_FALSE(std::filesystem::exists(root / orphan.fileName));
}

}  // namespace
}  // namespace medsight

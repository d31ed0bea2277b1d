#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "privacy/AtRestCipher.h"
#include "privacy/ReidentificationTable.h"
#include "support/TestData.h"

namespace medsight {
namespace {

const KeyFile kMaster = KeyFile::fromBytes(std::string(32, 'm'));

std::string pattern(std::size_t n) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 131 + 7) & 0xFF);
  return out;
}

ErrorCode decryptCode(const AtRestCipher& cipher, const std::string& sealed) {
  try {
    cipher.decrypt(sealed, "test");
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;  // accepted
}

TEST(AtRestCipher, RoundTripsEmptySmallAndMultiChunkContent) {
  const AtRestCipher cipher(kMaster);
  for (std::size_t n : {0u, 1u, 65535u, 65536u, 65537u, 200000u}) {
    const std::string plain = pattern(n);
    const std::string sealed = cipher.encrypt(plain);
    EXPECT_GT(sealed.size(), plain.size());
    EXPECT_EQ(cipher.decrypt(sealed, "test"), plain) << n;
  }
}

TEST(AtRestCipher, EachEncryptionUsesAFreshFileKey) {
  const AtRestCipher cipher(kMaster);
  EXPECT_NE(cipher.encrypt("same"), cipher.encrypt("same"));
}

TEST(AtRestCipher, AnyFlippedByteIsDetected) {
  const AtRestCipher cipher(kMaster);
  const std::string sealed = cipher.encrypt(pattern(150000));
  // Header magic, fingerprint, wrap nonce, wrapped key, stream header, chunks 1..3.
  for (std::size_t pos : {0ul, 9ul, 20ul, 60ul, 100ul, 200ul, 70000ul, sealed.size() - 1}) {
    std::string bad = sealed;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x01);
    const ErrorCode code = decryptCode(cipher, bad);
    EXPECT_TRUE(code == ErrorCode::IntegrityViolation || code == ErrorCode::KeyMissing)
        << "flip at " << pos << " accepted";
  }
}

TEST(AtRestCipher, TruncationReorderingAndAppendingAreDetected) {
  const AtRestCipher cipher(kMaster);
  const std::string sealed = cipher.encrypt(pattern(150000));
  const std::size_t header = 8 + 8 + 24 + 48 + 24;
  const std::size_t chunk = 65536 + 17;
  EXPECT_EQ(decryptCode(cipher, sealed.substr(0, sealed.size() - 1)),
            ErrorCode::IntegrityViolation);
  EXPECT_EQ(decryptCode(cipher, sealed.substr(0, header + chunk)), ErrorCode::IntegrityViolation);
  EXPECT_EQ(decryptCode(cipher, sealed + "x"), ErrorCode::IntegrityViolation);
  std::string swapped = sealed.substr(0, header) + sealed.substr(header + chunk, chunk) +
                        sealed.substr(header, chunk) + sealed.substr(header + 2 * chunk);
  EXPECT_EQ(decryptCode(cipher, swapped), ErrorCode::IntegrityViolation);
}

TEST(AtRestCipher, AnotherMasterKeyIsRefused) {
  const std::string sealed = AtRestCipher(kMaster).encrypt("secret");
  EXPECT_EQ(decryptCode(AtRestCipher(KeyFile::fromBytes(std::string(32, 'x'))), sealed),
            ErrorCode::KeyMissing);
}

TEST(AtRestCipher, TamperedFileWritesNoPlaintext) {
  const auto dir = test::temporaryDirectory("cipher");
  const AtRestCipher cipher(kMaster);
  std::ofstream(dir / "plain.bin", std::ios::binary) << pattern(100000);
  cipher.encryptFile(dir / "plain.bin", dir / "sealed.bin");
  EXPECT_TRUE(AtRestCipher::isSealed(dir / "sealed.bin"));
  EXPECT_FALSE(AtRestCipher::isSealed(dir / "plain.bin"));
  cipher.decryptFile(dir / "sealed.bin", dir / "round.bin");
  std::stringstream round;
  round << std::ifstream(dir / "round.bin", std::ios::binary).rdbuf();
  EXPECT_EQ(round.str(), pattern(100000));

  test::flipByte(dir / "sealed.bin", 90000);  // (a fixed value could already be there)
  EXPECT_THROW(cipher.decryptFile(dir / "sealed.bin", dir / "out.bin"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.bin"));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".part-"), std::string::npos)
        << "temporary left behind: " << entry.path();
  }
}

// A table written by one run is read and extended by the next (a second de-identification
// batch with the same --reid-table).
TEST(ReidentificationTable, ATableItWroteIsReadBackAndExtended) {
  const auto tmp = test::temporaryDirectory("reid-table");
  ReidentificationTable first;
  first.add("PSEUDO-A", {"12345", "Doe^Jane"});
  first.save(tmp / "r.tbl", kMaster);
  ReidentificationTable second = ReidentificationTable::load(tmp / "r.tbl", kMaster);
  ASSERT_EQ(second.entries().size(), 1u);
  EXPECT_EQ(second.entries().at("PSEUDO-A").patientName, "Doe^Jane");
  second.add("PSEUDO-B", {"678", ""});
  second.save(tmp / "r.tbl", kMaster);
  const auto third = ReidentificationTable::load(tmp / "r.tbl", kMaster);
  ASSERT_EQ(third.entries().size(), 2u);
  EXPECT_EQ(third.entries().at("PSEUDO-A").patientId, "12345");
  EXPECT_EQ(third.entries().at("PSEUDO-B").patientId, "678");
}

}  // namespace
}  // namespace medsight

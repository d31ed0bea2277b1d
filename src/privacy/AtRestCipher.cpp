#include "privacy/AtRestCipher.h"

#include <sodium.h>

#include <array>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/Error.h"
#include "privacy/SodiumRuntime.h"
#include "privacy/StagedOutputFile.h"

namespace medsight {
namespace {

constexpr char kMagic[8] = {'M', 'S', 'E', 'N', 'C', '1', '\0', '\0'};
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kWrappedBytes =
    crypto_secretstream_xchacha20poly1305_KEYBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kHeaderBytes = sizeof kMagic + 8 +
                                     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + kWrappedBytes +
                                     crypto_secretstream_xchacha20poly1305_HEADERBYTES;

/// Reads up to `n` bytes; returns how many were read.
std::size_t readUpTo(std::istream& in, unsigned char* out, std::size_t n) {
  in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
  return static_cast<std::size_t>(in.gcount());
}

[[noreturn]] void tampered(const std::string& name, const std::string& what) {
  throw Error(ErrorCode::IntegrityViolation, name + ": encrypted file rejected: " + what);
}

}  // namespace

AtRestCipher::AtRestCipher(const KeyFile& master)
    : wrapKey_(master.derive("at-rest")), fingerprint_(master.fingerprint()) {
  SodiumRuntime::ensure();
}

void AtRestCipher::encrypt(std::istream& plain, std::ostream& sealed,
                           const std::string& name) const {
  std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES> fileKey{};
  crypto_secretstream_xchacha20poly1305_keygen(fileKey.data());

  std::array<unsigned char, 8> fp{};
  sodium_hex2bin(fp.data(), fp.size(), fingerprint_.data(), fingerprint_.size(), nullptr, nullptr,
                 nullptr);
  std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  // The magic and fingerprint are authenticated as associated data of the key wrap.
  std::array<unsigned char, sizeof kMagic + 8> ad{};
  std::memcpy(ad.data(), kMagic, sizeof kMagic);
  std::memcpy(ad.data() + sizeof kMagic, fp.data(), fp.size());
  std::array<unsigned char, kWrappedBytes> wrapped{};
  crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped.data(), nullptr, fileKey.data(),
                                             fileKey.size(), ad.data(), ad.size(), nullptr,
                                             nonce.data(), wrapKey_.data());
  crypto_secretstream_xchacha20poly1305_state state;
  std::array<unsigned char, crypto_secretstream_xchacha20poly1305_HEADERBYTES> header{};
  crypto_secretstream_xchacha20poly1305_init_push(&state, header.data(), fileKey.data());
  sodium_memzero(fileKey.data(), fileKey.size());

  sealed.write(reinterpret_cast<const char*>(ad.data()), static_cast<std::streamsize>(ad.size()));
  sealed.write(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  sealed.write(reinterpret_cast<const char*>(wrapped.data()), wrapped.size());
  sealed.write(reinterpret_cast<const char*>(header.data()), header.size());

  // Read one chunk ahead so the last chunk can carry the FINAL tag (also for empty input).
  std::vector<unsigned char> current(kChunk), next(kChunk);
  std::vector<unsigned char> out(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
  std::size_t currentSize = readUpTo(plain, current.data(), kChunk);
  for (;;) {
    const std::size_t nextSize = currentSize == kChunk ? readUpTo(plain, next.data(), kChunk) : 0;
    const bool last = nextSize == 0;
    unsigned long long outSize = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state, out.data(), &outSize, current.data(), currentSize, nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    sealed.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(outSize));
    if (last) break;
    std::swap(current, next);
    currentSize = nextSize;
  }
  sodium_memzero(current.data(), current.size());
  sodium_memzero(next.data(), next.size());
  if (plain.bad()) throw Error(ErrorCode::FileUnreadable, name + ": read failed while encrypting");
  if (!sealed) throw Error(ErrorCode::FileWriteFailed, name + ": write failed while encrypting");
}

void AtRestCipher::decrypt(std::istream& sealed, std::ostream& plain,
                           const std::string& name) const {
  std::array<unsigned char, kHeaderBytes> head{};
  if (readUpTo(sealed, head.data(), head.size()) != head.size() ||
      std::memcmp(head.data(), kMagic, sizeof kMagic) != 0) {
    tampered(name, "not a MedSight encrypted file (bad or truncated header)");
  }
  const unsigned char* fp = head.data() + sizeof kMagic;
  char fpHex[17];
  sodium_bin2hex(fpHex, sizeof fpHex, fp, 8);
  if (fingerprint_ != fpHex) {
    throw Error(ErrorCode::KeyMissing, name + ": encrypted with key " + fpHex +
                                           ", not with the given key " + fingerprint_);
  }
  const unsigned char* nonce = fp + 8;
  const unsigned char* wrapped = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const unsigned char* header = wrapped + kWrappedBytes;
  std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES> fileKey{};
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(fileKey.data(), nullptr, nullptr, wrapped,
                                                 kWrappedBytes, head.data(), sizeof kMagic + 8,
                                                 nonce, wrapKey_.data()) != 0) {
    tampered(name, "the wrapped file key does not authenticate");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state, header, fileKey.data()) != 0) {
    sodium_memzero(fileKey.data(), fileKey.size());
    tampered(name, "bad stream header");
  }
  sodium_memzero(fileKey.data(), fileKey.size());

  std::vector<unsigned char> in(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
  std::vector<unsigned char> out(kChunk);
  std::size_t chunkIndex = 0;
  for (;;) {
    const std::size_t n = readUpTo(sealed, in.data(), in.size());
    if (n == 0) tampered(name, "truncated after chunk " + std::to_string(chunkIndex));
    unsigned long long outSize = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state, out.data(), &outSize, &tag, in.data(), n,
                                                   nullptr, 0) != 0) {
      tampered(name, "chunk " + std::to_string(chunkIndex) + " fails authentication");
    }
    plain.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(outSize));
    ++chunkIndex;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      if (sealed.peek() != std::char_traits<char>::eof()) {
        tampered(name, "data appended after the final chunk");
      }
      break;
    }
    if (n < in.size()) tampered(name, "truncated: last chunk is not marked final");
  }
  sodium_memzero(out.data(), out.size());
  if (!plain) throw Error(ErrorCode::FileWriteFailed, name + ": write failed while decrypting");
}

std::string AtRestCipher::encrypt(std::string_view plain) const {
  std::istringstream in{std::string(plain)};
  std::ostringstream out;
  encrypt(in, out, "<memory>");
  return std::move(out).str();
}

std::string AtRestCipher::decrypt(std::string_view sealed, const std::string& name) const {
  std::istringstream in{std::string(sealed)};
  std::ostringstream out;
  decrypt(in, out, name);
  return std::move(out).str();
}

void AtRestCipher::encryptFile(const std::filesystem::path& plain,
                               const std::filesystem::path& sealed) const {
  std::ifstream in(plain, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, plain.string() + ": cannot open for encryption");
  StagedOutputFile staged(sealed);
  {
    std::ofstream out(staged.temporaryPath(), std::ios::binary);
    encrypt(in, out, plain.string());
  }
  staged.commit();
}

void AtRestCipher::decryptFile(const std::filesystem::path& sealed,
                               const std::filesystem::path& plain) const {
  std::ifstream in(sealed, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, sealed.string() + ": cannot open for decryption");
  StagedOutputFile staged(plain);
  {
    std::ofstream out(staged.temporaryPath(), std::ios::binary);
    decrypt(in, out, sealed.string());
  }
  staged.commit();
}

bool AtRestCipher::isSealed(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof kMagic] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == sizeof magic && std::memcmp(magic, kMagic, sizeof magic) == 0;
}

}  // namespace medsight

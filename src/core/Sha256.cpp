#include "core/Sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

struct DigestContext {
  DigestContext() : ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
      throw Error(ErrorCode::Internal, "SHA-256: OpenSSL digest initialisation failed");
    }
  }
  void update(const void* data, std::size_t n) {
    if (EVP_DigestUpdate(ctx.get(), data, n) != 1) {
      throw Error(ErrorCode::Internal, "SHA-256: digest update failed");
    }
  }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
      throw Error(ErrorCode::Internal, "SHA-256: digest finalisation failed");
    }
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 0xF];
    }
    return out;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx;
};

}  // namespace

std::string Sha256::ofBytes(std::span<const std::byte> bytes) {
  DigestContext d;
  d.update(bytes.data(), bytes.size());
  return d.hex();
}

std::string Sha256::ofString(const std::string& text) {
  DigestContext d;
  d.update(text.data(), text.size());
  return d.hex();
}

std::string Sha256::ofFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    throw Error(
        std::filesystem::exists(path, ec) ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
        path.string() + ": cannot read for hashing");
  }
  DigestContext d;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) d.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad())
    throw Error(ErrorCode::FileUnreadable, path.string() + ": read error while hashing");
  return d.hex();
}

}  // namespace medsight

#include "server/PasswordHasher.h"

#include <sodium.h>

#include "core/Error.h"
#include "core/Sha256.h"

namespace medsight {
namespace {

void initSodium() {
  if (sodium_init() < 0) throw Error(ErrorCode::Internal, "libsodium: initialisation failed");
}

}  // namespace

std::string PasswordHasher::hash(const std::string& password) {
  initSodium();
  if (password.size() < 8) {
    throw Error(ErrorCode::InvalidArgument, "password: at least 8 characters");
  }
  char out[crypto_pwhash_STRBYTES];
  // Interactive limits (2 passes, 64 MiB): ~0.1 s per login on the project's machines.
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(ErrorCode::Internal, "password: hashing failed (out of memory)");
  }
  return out;
}

bool PasswordHasher::verify(const std::string& hash, const std::string& password) {
  initSodium();
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string PasswordHasher::newToken() {
  initSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string PasswordHasher::tokenHash(const std::string& token) {
  return Sha256::ofString(token);
}

}  // namespace medsight

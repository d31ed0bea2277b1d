#include "privacy/KeyFile.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/Error.h"
#include "privacy/SodiumRuntime.h"

namespace medsight {

KeyFile::~KeyFile() {
  sodium_memzero(key_.data(), key_.size());
}

KeyFile KeyFile::fromBytes(std::string_view bytes, std::string label) {
  SodiumRuntime::ensure();
  if (bytes.size() != kKeyBytes) {
    throw Error(ErrorCode::KeyMissing, label + ": key must be " + std::to_string(kKeyBytes) +
                                           " bytes, got " + std::to_string(bytes.size()));
  }
  SubKey key{};
  std::memcpy(key.data(), bytes.data(), kKeyBytes);
  KeyFile file(key, std::move(label));
  sodium_memzero(key.data(), key.size());
  return file;
}

KeyFile KeyFile::load(const std::filesystem::path& path) {
  SodiumRuntime::ensure();
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw Error(ErrorCode::KeyMissing, path.string() +
                                           ": key file not found (create one with "
                                           "`medsight keygen " +
                                           path.string() + "`)");
  }
  if (!S_ISREG(info.st_mode)) {
    throw Error(ErrorCode::KeyMissing, path.string() + ": key file is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw Error(ErrorCode::KeyMissing, path.string() + ": key file has mode " + mode +
                                           "; it must be readable by its owner only (chmod 600)");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorCode::KeyMissing,
                path.string() + ": cannot read key file: " + std::strerror(errno));
  }
  std::string bytes(kKeyBytes + 1, '\0');
  const ssize_t n = ::read(fd, bytes.data(), bytes.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    throw Error(ErrorCode::KeyMissing, path.string() + ": key file must hold exactly " +
                                           std::to_string(kKeyBytes) + " bytes");
  }
  bytes.resize(kKeyBytes);
  KeyFile key = fromBytes(bytes, path.string());
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

KeyFile KeyFile::create(const std::filesystem::path& path) {
  SodiumRuntime::ensure();
  std::error_code ec;
  if (path.empty()) throw Error(ErrorCode::InvalidArgument, "keygen: give a file name for the key");
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                path.string() + ": is a folder; give a file name for the key inside it");
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw Error(ErrorCode::Conflict,
                  path.string() + ": key file already exists; refusing to overwrite it");
    }
    throw Error(ErrorCode::FileWriteFailed,
                path.string() + ": cannot create key file: " + std::strerror(errno));
  }
  SubKey key{};
  randombytes_buf(key.data(), key.size());
  const bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                  ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw Error(ErrorCode::FileWriteFailed, path.string() + ": cannot write key file");
  }
  KeyFile file(key, path.string());
  sodium_memzero(key.data(), key.size());
  return file;
}

KeyFile::SubKey KeyFile::derive(std::string_view purpose) const {
  // BLAKE2b keyed by the master key over a purpose label: a standard KDF construction that
  // allows arbitrary-length labels (libsodium's crypto_kdf limits contexts to 8 bytes).
  SubKey out{};
  const std::string label = "medsight/v1/" + std::string(purpose);
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(label.data()),
                     label.size(), key_.data(), key_.size());
  return out;
}

std::string KeyFile::fingerprint() const {
  const SubKey id = derive("fingerprint");
  char hex[2 * 8 + 1];
  sodium_bin2hex(hex, sizeof hex, id.data(), 8);
  return hex;
}

}  // namespace medsight

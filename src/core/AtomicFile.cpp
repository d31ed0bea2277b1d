#include "core/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "core/Error.h"

namespace medsight {
namespace {

std::string errnoText() {
  return std::strerror(errno);
}

std::filesystem::path temporarySibling(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  // Keep the full extension chain (".nii.gz") at the end of the name.
  const std::string name = target.filename().string();
  const auto dot = name.find('.');
  const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  const std::string tmp = "." + stem + ".tmp-" + std::to_string(getpid()) + "-" +
                          std::to_string(counter.fetch_add(1)) + "-" +
                          std::to_string(rd() % 100000) + ext;
  return target.parent_path() / tmp;
}

}  // namespace

void AtomicFile::sync(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorCode::FileWriteFailed,
                path.string() + ": cannot open to sync: " + errnoText());
  }
  const int rc = ::fsync(fd);
  const std::string err = rc != 0 ? errnoText() : "";
  ::close(fd);
  if (rc != 0) throw Error(ErrorCode::FileWriteFailed, path.string() + ": fsync failed: " + err);
}

void AtomicFile::write(const std::filesystem::path& target, std::span<const std::byte> bytes) {
  writeWith(target, [&](const std::filesystem::path& tmp) {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw Error(ErrorCode::FileWriteFailed, target.string() + ": cannot create: " + errnoText());
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const std::string err = errnoText();
        ::close(fd);
        throw Error(ErrorCode::FileWriteFailed, target.string() + ": write failed: " + err);
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
}

void AtomicFile::write(const std::filesystem::path& target, const std::string& text) {
  write(target, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

void AtomicFile::writeWith(const std::filesystem::path& target,
                           const std::function<void(const std::filesystem::path&)>& producer) {
  const auto parent =
      target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec)) {
    throw Error(ErrorCode::FileWriteFailed,
                target.string() + ": folder " + parent.string() + " does not exist");
  }
  const auto tmp = temporarySibling(target.parent_path().empty() ? parent / target : target);
  try {
    producer(tmp);
    if (!std::filesystem::exists(tmp, ec)) {
      throw Error(ErrorCode::FileWriteFailed, target.string() + ": nothing was written");
    }
    sync(tmp);
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
      throw Error(ErrorCode::FileWriteFailed,
                  target.string() + ": cannot move into place: " + ec.message());
    }
    sync(parent);
  } catch (...) {
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

void AtomicFile::requireReplaceableFolder(const std::filesystem::path& target,
                                          const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(target, ec)) return;
  if (!fs::is_directory(target, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + target.string() + " is a file; give a new folder for the package");
  }
  if (fs::is_empty(target, ec) || fs::exists(target / "manifest.json", ec)) return;
  throw Error(ErrorCode::InvalidArgument,
              option + " " + target.string() +
                  " is a folder of other files, not a package MedSight wrote; writing the "
                  "package would replace them all, so give a new or empty folder");
}

void AtomicFile::writeFolder(const std::filesystem::path& folder,
                             const std::function<void(const std::filesystem::path&)>& producer) {
  namespace fs = std::filesystem;
  requireReplaceableFolder(folder, "output folder");
  const fs::path target = fs::absolute(folder).lexically_normal();
  // "out/" names the folder "out": the staging folder goes next to it, never inside.
  const fs::path named = target.filename().empty() ? target.parent_path() : target;
  const fs::path staging = named.string() + ".partial-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  if (!fs::create_directories(staging, ec) && ec) {
    throw Error(ErrorCode::FileWriteFailed, staging.string() + ": " + ec.message());
  }
  try {
    producer(staging);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  // Swap the complete folder in; an older one survives until then.
  const fs::path previous = named.string() + ".previous-" + std::to_string(getpid());
  const bool existed = fs::exists(named, ec);
  if (existed) {
    fs::rename(named, previous, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      throw Error(ErrorCode::FileWriteFailed, named.string() + ": cannot replace: " + ec.message());
    }
  }
  fs::rename(staging, named, ec);
  if (ec) {
    if (existed) fs::rename(previous, named, ec);
    throw Error(ErrorCode::FileWriteFailed, named.string() + ": cannot write the folder");
  }
  if (existed) fs::remove_all(previous, ec);
}

}  // namespace medsight

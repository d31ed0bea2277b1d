#include "privacy/StagedOutputFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/Error.h"

namespace medsight {
namespace {

void syncPath(const std::filesystem::path& path, const std::filesystem::path& forMessage) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string err = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw Error(ErrorCode::FileWriteFailed, forMessage.string() + ": fsync failed: " + err);
  }
  ::close(fd);
}

}  // namespace

StagedOutputFile::StagedOutputFile(std::filesystem::path target) : target_(std::move(target)) {
  static std::atomic<unsigned> counter{0};
  const auto folder =
      target_.parent_path().empty() ? std::filesystem::path(".") : target_.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw Error(ErrorCode::FileWriteFailed,
                target_.string() + ": output folder " + folder.string() + " does not exist");
  }
  // Keep the extension so tools that look at suffixes still recognise the temporary.
  temporary_ = folder / ("." + target_.stem().string() + ".part-" + std::to_string(::getpid()) +
                         "-" + std::to_string(counter.fetch_add(1)) + target_.extension().string());
}

StagedOutputFile::~StagedOutputFile() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
  }
}

void StagedOutputFile::commit(bool durable) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(temporary_, ec)) {
    throw Error(ErrorCode::FileWriteFailed, target_.string() + ": nothing was written");
  }
  if (durable) syncPath(temporary_, target_);
  std::filesystem::rename(temporary_, target_, ec);
  if (ec) {
    throw Error(ErrorCode::FileWriteFailed,
                target_.string() + ": cannot move into place: " + ec.message());
  }
  committed_ = true;
  if (durable) {
    syncPath(target_.parent_path().empty() ? std::filesystem::path(".") : target_.parent_path(),
             target_);
  }
}

void StagedOutputFile::syncTree(const std::filesystem::path& root) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::syncfs(fd) != 0) {
    const std::string err = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw Error(ErrorCode::FileWriteFailed, root.string() + ": syncfs failed: " + err);
  }
  ::close(fd);
  syncPath(root, root);
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory()) syncPath(it->path(), it->path());
  }
}

void StagedOutputFile::writeAll(const std::filesystem::path& target, const std::string& bytes,
                                unsigned mode) {
  StagedOutputFile staged(target);
  const int fd = ::open(staged.temporaryPath().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    throw Error(ErrorCode::FileWriteFailed,
                target.string() + ": cannot create: " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      throw Error(ErrorCode::FileWriteFailed, target.string() + ": write failed: " + err);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  staged.commit();
}

}  // namespace medsight

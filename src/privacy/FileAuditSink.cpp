#include "privacy/FileAuditSink.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/Error.h"
#include "privacy/StagedOutputFile.h"

namespace medsight {
namespace {

/// The last non-empty line of an open file, read backwards from the end.
std::string lastLine(int fd) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  std::string tail;
  off_t pos = size;
  while (pos > 0) {
    const off_t step = std::min<off_t>(pos, 4096);
    pos -= step;
    std::string block(static_cast<std::size_t>(step), '\0');
    if (::pread(fd, block.data(), block.size(), pos) != step) break;
    tail.insert(0, block);
    const auto trimmed = tail.find_last_not_of('\n');
    if (trimmed == std::string::npos) continue;
    const auto start = tail.rfind('\n', trimmed);
    if (start != std::string::npos) return tail.substr(start + 1, trimmed - start);
  }
  const auto trimmed = tail.find_last_not_of('\n');
  return trimmed == std::string::npos ? std::string() : tail.substr(0, trimmed + 1);
}

}  // namespace

FileAuditSink::FileAuditSink(std::filesystem::path path)
    : path_(std::move(path)), anchorPath_(path_.string() + ".head") {}

void FileAuditSink::append(const RecordMaker& makeRecord) {
  std::lock_guard lock(mutex_);
  std::error_code ec;
  if (!path_.parent_path().empty()) std::filesystem::create_directories(path_.parent_path(), ec);
  const bool existed = std::filesystem::exists(path_, ec);
  const int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(ErrorCode::FileWriteFailed,
                path_.string() + ": cannot open audit log: " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX) != 0) {
    ::close(fd);
    throw Error(ErrorCode::FileWriteFailed, path_.string() + ": cannot lock audit log");
  }
  try {
    const std::string last = lastLine(fd);
    const auto anchorText = anchor();
    // A first record on an emptied log without its anchor would start a chain that verifies.
    if (existed && last.empty() && !anchorText) {
      throw Error(ErrorCode::IntegrityViolation,
                  path_.string() + ": " + emptyStateConcern() + "; not appended");
    }
    auto [record, newAnchor] = makeRecord(last, anchorText);
    record.push_back('\n');
    if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size()) ||
        ::fsync(fd) != 0) {
      throw Error(ErrorCode::FileWriteFailed,
                  path_.string() + ": audit record not written: " + std::strerror(errno));
    }
    StagedOutputFile::writeAll(anchorPath_, newAnchor + "\n", 0600);
  } catch (...) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
    throw;
  }
  ::flock(fd, LOCK_UN);
  ::close(fd);
}

std::vector<std::string> FileAuditSink::records() const {
  std::ifstream in(path_);
  if (!in) {
    std::error_code ec;
    const bool anchored = std::filesystem::exists(anchorPath_, ec);
    throw Error(ErrorCode::FileNotFound,
                path_.string() + ": audit log not found" +
                    (anchored ? " (its anchor " + anchorPath_.string() +
                                    " is there, naming the last record: the log was deleted or "
                                    "moved)"
                              : std::string()));
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string FileAuditSink::emptyStateConcern() const {
  // The file is created together with its first record and the anchor written right after it,
  // so a file that exists with neither was emptied (or created empty by hand).
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return {};
  return "the log file exists but holds no record and has no anchor (" + anchorPath_.string() +
         "): every record may have been removed together with the anchor, or the file was "
         "created empty by hand and never written to (then delete it: MedSight creates a log "
         "with its first record)";
}

std::optional<std::string> FileAuditSink::anchor() const {
  std::ifstream in(anchorPath_);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

}  // namespace medsight

#include "core/OutputFileSet.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/PathContainment.h"

namespace medsight {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Two names of one existing file: the same path after resolving links, or another spelling of
/// it on a case-insensitive file system (a vfat or exFAT USB export) or through a bind mount,
/// which only the device and inode numbers tell.
bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
  if (a == b) return true;
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

std::filesystem::path folderOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

OutputFileSet::~OutputFileSet() {
  // Staged outputs of a failed run; errors are ignored: this runs while another error is on its
  // way out, and a leftover hidden staging file is harmless.
  for (const auto& s : staged_) {
    try {
      std::error_code ec;
      std::filesystem::remove_all(s.staging, ec);
    } catch (...) {
    }
  }
}

std::filesystem::path OutputFileSet::claim(const std::filesystem::path& path,
                                           const std::string& option,
                                           const std::string& stagingFileName) {
  const auto folder = folderOf(path);
  requireWritableFolder(path, option);
  const auto canonical = PathContainment::canonical(path);
  for (const auto& d : declared_) {
    if (sameFile(d, canonical)) {
      throw Error(ErrorCode::InvalidArgument,
                  option + " " + path.string() + ": another output of this command is this file");
    }
  }
  for (const auto& in : inputs_) {
    // A folder the command reads (a DICOM series) gets no new files either: they would be read
    // with it next time.
    if (in.folder && PathContainment::isStrictlyInside(canonical, in.canonical)) {
      throw Error(ErrorCode::InvalidArgument, option + " " + path.string() + ": is inside the " +
                                                  in.option +
                                                  " this command reads; write it elsewhere");
    }
    if (sameFile(in.canonical, canonical)) {
      throw Error(ErrorCode::InvalidArgument, option + " " + path.string() + ": is the " +
                                                  in.option +
                                                  " this command reads; give another file");
    }
  }
  // The output's number keeps staging names apart when two targets differ only in the case of
  // their ending ("X.NII.GZ" and "X.nii.gz" both stage as ...X.nii.gz).
  const std::string staging = ".medsight-" + std::to_string(::getpid()) + "-" +
                              std::to_string(declared_.size()) + "-" + stagingFileName;
  if (staging.size() > 255) {  // NAME_MAX of Linux file systems
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": the file name is too long (" +
                    std::to_string(path.filename().string().size()) +
                    " bytes; at most 255 less the " +
                    std::to_string(staging.size() - path.filename().string().size()) +
                    " of the name it is written under until it is complete)");
  }
  declared_.push_back(canonical);
  return folder / staging;
}

void OutputFileSet::requireWritableFolder(const std::filesystem::path& path,
                                          const std::string& option) {
  const auto folder = folderOf(path);
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw Error(ErrorCode::FileNotFound, option + " " + path.string() + ": the folder " +
                                             folder.string() + " does not exist");
  }
  // Checked now rather than when the finished output is moved into place, after all the work.
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    const int err = errno;
    throw Error(ErrorCode::FileWriteFailed, option + " " + path.string() +
                                                ": cannot write into the folder " +
                                                folder.string() + ": " + std::strerror(err));
  }
}

void OutputFileSet::addInput(const std::filesystem::path& path, const std::string& option) {
  if (path.empty()) return;
  const auto canonical = PathContainment::canonical(path);
  std::error_code ec;
  const bool folder = std::filesystem::is_directory(canonical, ec);
  for (const auto& d : declared_) {
    if (sameFile(d, canonical)) {
      throw Error(ErrorCode::InvalidArgument, option + " " + path.string() +
                                                  ": is also an output of this command; give the "
                                                  "output another name");
    }
    if (folder && PathContainment::isStrictlyInside(d, canonical)) {
      throw Error(ErrorCode::InvalidArgument, option + " " + path.string() +
                                                  ": an output of this command is inside this "
                                                  "folder; write it elsewhere");
    }
  }
  inputs_.push_back({canonical, option, folder});
}

std::string OutputFileSet::endingOf(const std::filesystem::path& path,
                                    const std::vector<std::string>& suffixes) {
  const std::string name = lower(path.filename().string());
  for (const auto& s : suffixes) {
    const std::string want = lower(s);
    if (name.size() > want.size() &&
        name.compare(name.size() - want.size(), want.size(), want) == 0) {
      return want;
    }
  }
  return {};
}

std::filesystem::path OutputFileSet::addFile(const std::filesystem::path& path,
                                             const std::vector<std::string>& suffixes,
                                             const std::string& option) {
  std::string fileName = path.filename().string();
  const std::string ending = endingOf(path, suffixes);
  if (!suffixes.empty() && ending.empty()) {
    std::string list;
    for (const auto& s : suffixes) list += (list.empty() ? "" : " or ") + s;
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": the file name must end in " + list);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": is a folder; give a file name");
  }
  // The ending is accepted in any case ("SCAN.NII.GZ"), but writers that choose the format by
  // suffix (ITK's transform IO, the NIfTI writer) know only the lower-case one: they are given
  // it in the staging name, and the target keeps the name as typed.
  fileName.replace(fileName.size() - ending.size(), ending.size(), ending);
  const auto staging = claim(path, option, fileName);
  staged_.push_back({path, staging});
  return staging;
}

std::filesystem::path OutputFileSet::addFolder(const std::filesystem::path& given,
                                               const std::string& option) {
  // "out/" names the folder out.
  const auto path = given.has_filename() ? given : given.parent_path();
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (exists && !std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": is a file; give a folder");
  }
  // Files written into a folder that already holds others could not be told apart from them,
  // nor taken back if the run fails; an empty folder is replaced by the finished one.
  if (exists && !std::filesystem::is_empty(path, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": the folder is not empty; give a new folder");
  }
  const auto staging = claim(path, option, path.filename().string());
  staged_.push_back({path, staging});
  return staging;
}

void OutputFileSet::commit() {
  for (const auto& s : staged_) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(s.staging, ec))) continue;
    std::filesystem::rename(s.staging, s.target, ec);
    if (ec) {
      throw Error(
          ErrorCode::FileWriteFailed,
          s.target.string() + ": cannot move the finished output into place: " + ec.message());
    }
    AtomicFile::sync(folderOf(s.target));
  }
}

}  // namespace medsight

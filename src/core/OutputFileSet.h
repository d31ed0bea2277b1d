#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace medsight {

/// \brief The outputs of one command run, checked before any work is done and removed again when
/// the run fails part-way, so that a failed run does not leave some of its outputs behind
/// looking like a finished result.
///
/// Only outputs that did not exist when declared are removed on failure; an existing file is
/// replaced atomically by its writer (AtomicFile) or not at all, so it is never lost to a
/// half-written copy.
class OutputFileSet {
 public:
  OutputFileSet() = default;
  OutputFileSet(const OutputFileSet&) = delete;
  OutputFileSet& operator=(const OutputFileSet&) = delete;
  /// \brief Removes the outputs this run created unless commit() was called.
  ~OutputFileSet();

  /// \brief Declares a file output given by `option`. Throws InvalidArgument when its name does
  /// not end in one of `suffixes` (any name when empty; compared without case), when it is a
  /// folder, or when another output of this run has the same path; FileNotFound when its folder
  /// does not exist.
  void addFile(const std::filesystem::path& path, const std::vector<std::string>& suffixes,
               const std::string& option);
  /// \brief Declares an output folder given by `option` (created by its writer): its parent
  /// must exist and it must not be a file.
  void addFolder(const std::filesystem::path& path, const std::string& option);
  /// \brief The run succeeded: keep every output.
  void commit() { committed_ = true; }

 private:
  void claim(const std::filesystem::path& path, const std::string& option);

  std::vector<std::filesystem::path> declared_;
  std::vector<std::filesystem::path> created_;  ///< did not exist when declared
  bool committed_ = false;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace medsight {

/// \brief The outputs of one command run, checked before any work is done and written beside
/// their targets under hidden staging names, then moved onto the targets together by commit():
/// a run that fails part-way leaves the earlier outputs of that name as they were, not a mix of
/// old and new files, and no partial result that looks finished.
///
/// Staging names keep the whole file name as their ending (".medsight-<pid>-<n>-name.nii.gz"), so
/// writers that choose the format by suffix behave as for the target. An output folder must be
/// new or empty (an empty one is replaced by the finished folder).
class OutputFileSet {
 public:
  OutputFileSet() = default;
  OutputFileSet(const OutputFileSet&) = delete;
  OutputFileSet& operator=(const OutputFileSet&) = delete;
  /// \brief Removes whatever was staged unless commit() moved it.
  ~OutputFileSet();

  /// \brief Declares a file or folder the run reads, given by `option`: no output may be it
  /// (compared through symbolic links and by file identity) or, for a folder, lie inside it, so
  /// that a run never overwrites its own input. Throws InvalidArgument when an output declared
  /// earlier is it or inside it; an empty path is ignored.
  void addInput(const std::filesystem::path& path, const std::string& option);
  /// \brief Declares a file output given by `option` and returns the path to write it to.
  /// Throws InvalidArgument when its name does not end in one of `suffixes` (any name when
  /// empty; compared without case, and the returned path ends in it in lower case), when it is
  /// a folder, when another output of this run is the same file (also through symbolic
  /// links) or when it is one of the run's inputs; FileNotFound when its folder does not exist,
  /// FileWriteFailed when the folder is not writable.
  std::filesystem::path addFile(const std::filesystem::path& path,
                                const std::vector<std::string>& suffixes,
                                const std::string& option);
  /// \brief The first of `suffixes` that the file name of `path` ends in (compared without case;
  /// a name that is only the suffix does not count), in lower case; empty when none.
  static std::string endingOf(const std::filesystem::path& path,
                              const std::vector<std::string>& suffixes);
  /// \brief Declares an output folder given by `option` (created by its writer) and returns the
  /// staging folder to write into. Its parent must exist; InvalidArgument when it is a file or a
  /// folder that is not empty.
  std::filesystem::path addFolder(const std::filesystem::path& path, const std::string& option);
  /// \brief Throws FileNotFound when the folder of `path` (given by `option`) does not exist
  /// and FileWriteFailed, with the system's reason, when it cannot be written into: for an
  /// output a command writes itself (a table updated in place) as for a declared one.
  static void requireWritableFolder(const std::filesystem::path& path, const std::string& option);
  /// \brief The run succeeded: moves every staged output that was written onto its target (an
  /// output never written is skipped); throws FileWriteFailed naming one that cannot be moved.
  void commit();

 private:
  std::filesystem::path claim(const std::filesystem::path& path, const std::string& option,
                              const std::string& stagingFileName);

  struct Staged {
    std::filesystem::path target, staging;
  };
  struct Input {
    std::filesystem::path canonical;
    std::string option;
    bool folder = false;  ///< outputs may not lie inside it either
  };
  std::vector<std::filesystem::path> declared_;  ///< canonical paths, for the duplicate check
  std::vector<Input> inputs_;
  std::vector<Staged> staged_;
};

}  // namespace medsight

#pragma once

#include <filesystem>
#include <string>

namespace medsight {

/// \brief An output file written under a temporary name in its destination folder and moved
/// into place only by commit(): fsync, rename (atomic within one file system), fsync of the
/// folder. Until then readers never see the target, and an interrupted or failed write leaves no
/// partial file (the destructor removes the temporary).
class StagedOutputFile {
 public:
  /// \brief Reserves a temporary sibling of `target` (hidden, same extension); the folder must
  /// exist. Throws FileWriteFailed naming the target otherwise.
  explicit StagedOutputFile(std::filesystem::path target);
  ~StagedOutputFile();
  StagedOutputFile(const StagedOutputFile&) = delete;
  StagedOutputFile& operator=(const StagedOutputFile&) = delete;

  /// \brief Where to write the content now.
  const std::filesystem::path& temporaryPath() const { return temporary_; }
  /// \brief The final name.
  const std::filesystem::path& target() const { return target_; }
  /// \brief Makes the content visible under the target name (replacing it). With `durable`
  /// (default) the file and folder are fsynced first; without, the rename is still atomic for
  /// readers and the caller makes a batch durable later with syncTree() (one flush, not two
  /// journal commits per file).
  void commit(bool durable = true);
  /// \brief Flushes the file system holding `root` (syncfs) and fsyncs every folder under it,
  /// making a batch of non-durable commits durable; throws FileWriteFailed.
  static void syncTree(const std::filesystem::path& root);

  /// \brief Writes `bytes` to `target` atomically in one call.
  static void writeAll(const std::filesystem::path& target, const std::string& bytes,
                       unsigned mode = 0644);

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

}  // namespace medsight

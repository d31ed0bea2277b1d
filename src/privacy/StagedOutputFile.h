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
  /// \brief Makes the content durable and visible under the target name (replacing it).
  void commit();

  /// \brief Writes `bytes` to `target` atomically in one call.
  static void writeAll(const std::filesystem::path& target, const std::string& bytes,
                       unsigned mode = 0644);

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

}  // namespace medsight

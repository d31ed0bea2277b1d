#pragma once

#include <filesystem>
#include <mutex>

#include "privacy/AuditSink.h"

namespace medsight {

/// \brief Audit records as JSON lines in one append-only file (O_APPEND, fsync per record,
/// flock against concurrent processes) with its anchor in "<file>.head", replaced atomically.
class FileAuditSink : public AuditSink {
 public:
  /// \brief Uses `path`; the file and its folder are created on first append.
  explicit FileAuditSink(std::filesystem::path path);
  /// \copydoc AuditSink::append
  void append(const RecordMaker& makeRecord) override;
  /// \copydoc AuditSink::records
  std::vector<std::string> records() const override;
  /// \copydoc AuditSink::anchor
  std::optional<std::string> anchor() const override;
  /// \copydoc AuditSink::location
  std::string location() const override { return path_.string(); }
  /// \copydoc AuditSink::emptyStateConcern
  std::string emptyStateConcern() const override;

 private:
  std::filesystem::path path_;
  std::filesystem::path anchorPath_;
  std::mutex mutex_;
};

}  // namespace medsight

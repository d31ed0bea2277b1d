#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <string>

namespace medsight {

/// \brief Writes files so that readers never see a partial file: content goes to a temporary
/// file in the target folder, is fsynced, then renamed over the target (POSIX rename is atomic
/// within one file system); the folder is fsynced so the rename survives a crash.
class AtomicFile {
 public:
  /// \brief Writes `bytes` to `target` atomically; throws FileWriteFailed naming the target.
  static void write(const std::filesystem::path& target, std::span<const std::byte> bytes);
  /// \brief Writes a string atomically.
  static void write(const std::filesystem::path& target, const std::string& text);
  /// \brief Lets `producer` write a temporary path (e.g. a library that only writes to a file
  /// name), then fsyncs and renames it onto `target`. The temporary keeps the target's extension
  /// so format detection by suffix still works; it is removed if `producer` throws.
  static void writeWith(const std::filesystem::path& target,
                        const std::function<void(const std::filesystem::path&)>& producer);
  /// \brief Throws InvalidArgument unless `target` is absent, an empty folder or a package
  /// folder MedSight wrote (it holds manifest.json): a folder swap replaces everything in it, so
  /// a folder of the user's own files (the input table, say) or a file is never a target.
  /// `option` names the command-line option in the message.
  static void requireReplaceableFolder(const std::filesystem::path& target,
                                       const std::string& option);
  /// \brief Lets `producer` fill a sibling staging folder, then swaps it in as `target`
  /// (a folder such as a model package): readers see the old folder until the new one is
  /// complete, and if `producer` throws, the staging folder is removed and `target` is left as
  /// it was. Checks requireReplaceableFolder first. Throws FileWriteFailed when the swap fails
  /// (the old folder is put back).
  static void writeFolder(const std::filesystem::path& target,
                          const std::function<void(const std::filesystem::path&)>& producer);
  /// \brief fsyncs a file or folder; throws FileWriteFailed on error.
  static void sync(const std::filesystem::path& path);
};

}  // namespace medsight

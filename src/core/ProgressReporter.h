#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace medsight {

/// \brief A progress bar with rate and ETA on stderr, shared by every long-running command.
/// Silent when stderr is not a terminal or progress is globally disabled (`--quiet`), so logs
/// and CI output stay clean. Thread-safe: workers may call advance() concurrently.
class ProgressReporter {
 public:
  /// \brief Starts a bar for `total` units of work (0 = unknown total).
  ProgressReporter(std::string label, std::size_t total);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  /// \brief Adds `units` of completed work.
  void advance(std::size_t units = 1);
  /// \brief Replaces the short status text shown after the bar (e.g. "loss 0.31").
  void setStatus(const std::string& status);
  /// \brief Draws the final state and ends the line.
  void finish();
  /// \brief Units done so far.
  std::size_t done() const { return done_.load(); }

  /// \brief Globally enables or disables drawing (e.g. from `--quiet`).
  static void setEnabled(bool enabled);
  /// \brief Whether bars are drawn in this process (enabled and stderr is a terminal).
  static bool drawing();
  /// \brief Renders one line; public so its format is testable.
  static std::string renderLine(const std::string& label, std::size_t done, std::size_t total,
                                double elapsedSeconds, const std::string& status, int width);

 private:
  void draw(bool force);

  std::string label_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point lastDraw_;
  std::string status_;
  std::mutex mutex_;
  bool finished_ = false;
};

}  // namespace medsight

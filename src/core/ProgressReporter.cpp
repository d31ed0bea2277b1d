#include "core/ProgressReporter.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace medsight {
namespace {

std::atomic<bool> gEnabled{true};

std::string formatDuration(double seconds) {
  if (seconds < 0 || seconds > 360000) return "--:--";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

ProgressReporter::ProgressReporter(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      lastDraw_(start_ - std::chrono::seconds(1)) {}

ProgressReporter::~ProgressReporter() {
  if (!finished_ && done_.load() > 0) finish();
}

void ProgressReporter::advance(std::size_t units) {
  done_.fetch_add(units);
  draw(false);
}

void ProgressReporter::setStatus(const std::string& status) {
  {
    std::lock_guard lock(mutex_);
    status_ = status;
  }
  draw(false);
}

void ProgressReporter::finish() {
  draw(true);
  std::lock_guard lock(mutex_);
  if (!finished_ && drawing()) std::fputc('\n', stderr);
  finished_ = true;
}

void ProgressReporter::setEnabled(bool enabled) {
  gEnabled.store(enabled);
}

bool ProgressReporter::drawing() {
  return gEnabled.load() && isatty(STDERR_FILENO) == 1;
}

std::string ProgressReporter::renderLine(const std::string& label, std::size_t done,
                                         std::size_t total, double elapsed,
                                         const std::string& status, int width) {
  std::ostringstream line;
  line << label << ' ';
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  if (total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    const int filled = static_cast<int>(fraction * width);
    line << '[' << std::string(static_cast<std::size_t>(filled), '=') << (filled < width ? ">" : "")
         << std::string(static_cast<std::size_t>(std::max(0, width - filled - 1)), ' ') << "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100.0));
    line << pct << ' ' << done << '/' << total;
    const double eta = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : -1;
    line << " ETA " << formatDuration(done >= total ? 0.0 : eta);
  } else {
    line << done;
  }
  char rateText[32];
  std::snprintf(rateText, sizeof rateText, " %.1f/s", rate);
  line << rateText << " elapsed " << formatDuration(elapsed);
  if (!status.empty()) line << "  " << status;
  return line.str();
}

void ProgressReporter::draw(bool force) {
  if (!drawing()) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - lastDraw_ < std::chrono::milliseconds(100)) return;
  lastDraw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string line = renderLine(label_, done_.load(), total_, elapsed, status_, 30);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace medsight

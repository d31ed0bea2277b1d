#include "report/PdfPrinter.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

extern char** environ;

namespace medsight {
namespace {

bool looksLikePdf(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[5] = {};
  in.read(magic, 5);
  return in.gcount() == 5 && std::string(magic, 5) == "%PDF-";
}

std::string tail(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 400) text = text.substr(text.size() - 400);
  return text;
}

}  // namespace

std::string PdfPrinter::findProgram(const std::vector<std::string>& names) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "/usr/bin:/bin";
  for (const auto& name : names) {
    if (name.find('/') != std::string::npos) {
      if (access(name.c_str(), X_OK) == 0) return name;
      continue;
    }
    std::size_t start = 0;
    while (start <= dirs.size()) {
      const std::size_t end = dirs.find(':', start);
      const std::string dir =
          dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
      const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return "";
}

int PdfPrinter::run(const std::vector<std::string>& argv, const std::filesystem::path& logFile,
                    int timeoutSeconds) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logFile.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout can stop the browser's helper processes too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Helpers left in the group (e.g. a crashed browser's zygote) must not outlive the print.
  kill(-pid, SIGKILL);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

PdfResult PdfPrinter::print(const std::filesystem::path& html, const std::filesystem::path& pdf,
                            int timeoutSeconds) {
  PdfResult result;
  const auto absoluteHtml = std::filesystem::absolute(html);
  const auto tmp = pdf.parent_path() / ("." + pdf.filename().string() + ".tmp.pdf");
  const auto log = pdf.parent_path() / ("." + pdf.filename().string() + ".log");
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  const std::string chromium = findProgram({"chromium", "chromium-browser", "google-chrome"});
  if (!chromium.empty()) {
    char profileTemplate[] = "/tmp/medsight-pdf-XXXXXX";
    const char* profile = mkdtemp(profileTemplate);
    if (profile != nullptr) {
      const std::vector<std::string> argv{
          chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + std::string(profile), "--no-pdf-header-footer",
          // Lets the charts' JavaScript finish before printing.
          "--virtual-time-budget=30000", "--run-all-compositor-stages-before-draw",
          "--print-to-pdf=" + tmp.string(), "file://" + absoluteHtml.string()};
      const int status = run(argv, log, timeoutSeconds);
      std::filesystem::remove_all(profile, ec);
      if (status == 0 && looksLikePdf(tmp)) {
        std::filesystem::rename(tmp, pdf, ec);
        if (!ec) {
          result.written = true;
          result.tool = "chromium";
          std::filesystem::remove(log, ec);
          return result;
        }
      }
      result.message = "chromium failed (status " + std::to_string(status) + "): " + tail(log);
      spdlog::warn("PDF: {}", result.message);
    }
  }
  const std::string wkhtmltopdf = findProgram({"wkhtmltopdf"});
  if (!wkhtmltopdf.empty()) {
    const std::vector<std::string> argv{
        wkhtmltopdf,          "--quiet", "--enable-local-file-access",
        "--javascript-delay", "5000",    absoluteHtml.string(),
        tmp.string()};
    const int status = run(argv, log, timeoutSeconds);
    if (status == 0 && looksLikePdf(tmp)) {
      std::filesystem::rename(tmp, pdf, ec);
      if (!ec) {
        result.written = true;
        result.tool = "wkhtmltopdf";
        // Its QtWebKit engine predates the JavaScript the chart library needs.
        result.message = "printed with wkhtmltopdf: charts may be missing; open the HTML";
        std::filesystem::remove(log, ec);
        return result;
      }
    }
    result.message +=
        (result.message.empty() ? "" : "; ") + std::string("wkhtmltopdf failed: ") + tail(log);
  }
  std::filesystem::remove(tmp, ec);
  if (result.message.empty()) result.message = "neither chromium nor wkhtmltopdf is installed";
  return result;
}

}  // namespace medsight

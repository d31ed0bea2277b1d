#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace medsight {

/// \brief Outcome of printing a report.
struct PdfResult {
  bool written = false;
  std::string tool;     ///< the program that printed it
  std::string message;  ///< why it failed, or a caveat
};

/// \brief Prints an HTML report to PDF with a Debian program: headless Chromium (runs the
/// page's JavaScript, so the Vega charts are in the PDF), else wkhtmltopdf. Runs the program
/// without a shell in its own process group with a fresh profile and no network services, and
/// kills the group on timeout. The PDF appears atomically (temporary file, then rename).
class PdfPrinter {
 public:
  /// \brief Prints `html` to `pdf`; never throws for a missing or failing printer (the HTML
  /// report stands on its own), but reports why.
  static PdfResult print(const std::filesystem::path& html, const std::filesystem::path& pdf,
                         int timeoutSeconds = 180);
  /// \brief Runs `argv` (PATH lookup, no shell) with output to `logFile`; returns the exit
  /// status, or -1 if it could not start or timed out (then the process group is killed).
  static int run(const std::vector<std::string>& argv, const std::filesystem::path& logFile,
                 int timeoutSeconds);
  /// \brief First of `names` found on PATH (or an absolute path that exists), else "".
  static std::string findProgram(const std::vector<std::string>& names);
};

}  // namespace medsight

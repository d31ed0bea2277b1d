#include "preprocess/ItkLogWindow.h"

#include <itkObjectFactory.h>
#include <itkOutputWindow.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

namespace medsight {
namespace {

// ITK's messages end in blank lines and may span several; the log gets them on one line.
std::string oneLine(const char* text) {
  std::string s = text ? text : "";
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

class SpdlogOutputWindow : public itk::OutputWindow {
 public:
  ITK_DISALLOW_COPY_AND_MOVE(SpdlogOutputWindow);
  using Self = SpdlogOutputWindow;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);

  void DisplayText(const char* text) override { spdlog::debug("ITK: {}", oneLine(text)); }
  void DisplayErrorText(const char* text) override { spdlog::warn("ITK: {}", oneLine(text)); }
  // Warnings stay visible, except notes that describe a setting MedSight chose on purpose.
  void DisplayWarningText(const char* text) override {
    const std::string line = oneLine(text);
    if (line.find("does not support scaling") != std::string::npos) {
      spdlog::debug("ITK: {}", line);  // L-BFGS-B of the B-spline stage runs without scales
    } else {
      spdlog::warn("ITK: {}", line);
    }
  }

 protected:
  SpdlogOutputWindow() = default;
};

}  // namespace

void ItkLogWindow::install() {
  static std::once_flag once;
  std::call_once(once, [] { itk::OutputWindow::SetInstance(SpdlogOutputWindow::New()); });
}

}  // namespace medsight

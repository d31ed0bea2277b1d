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
  void DisplayWarningText(const char* text) override { spdlog::warn("ITK: {}", oneLine(text)); }

 protected:
  SpdlogOutputWindow() = default;
};

}  // namespace

void ItkLogWindow::install() {
  static std::once_flag once;
  std::call_once(once, [] { itk::OutputWindow::SetInstance(SpdlogOutputWindow::New()); });
}

}  // namespace medsight
